package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"slices"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// tree is a layer's content, written in path order with fixed metadata.
type tree struct {
	epoch   time.Time
	entries map[string]*tar.Header
	data    map[string][]byte
}

func newTree(epoch time.Time) *tree {
	return &tree{epoch: epoch, entries: map[string]*tar.Header{}, data: map[string][]byte{}}
}

func (t *tree) dir(name string, mode int64, owner int) {
	t.entries[name+"/"] = &tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode,
		Uid: owner, Gid: owner, ModTime: t.epoch}
}

func (t *tree) file(name string, data []byte, mode int64) {
	t.entries[name] = &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)),
		ModTime: t.epoch}
	t.data[name] = data
}

func (t *tree) tar() ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	names := make([]string, 0, len(t.entries))
	for n := range t.entries {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := tw.WriteHeader(t.entries[n]); err != nil {
			return nil, err
		}
		if _, err := tw.Write(t.data[n]); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func layerOf(t *tree) (v1.Layer, error) {
	raw, err := t.tar()
	if err != nil {
		return nil, err
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil },
		tarball.WithMediaType(types.OCILayer), tarball.WithCompressionLevel(gzip.BestCompression),
		tarball.WithCompressedCaching)
}
