package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// baseLayer holds everything but the binary, so it is shared by every
// platform and every release with the same inputs.
func baseLayer(o options) (v1.Layer, error) {
	t := newTree(o.epoch)
	t.dir("etc", 0o755, 0)
	t.file("etc/passwd", []byte("root:x:0:0:root:/root:/sbin/nologin\n"+
		"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"+
		"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"), 0o644)
	t.file("etc/group", []byte("root:x:0:\nnonroot:x:65532:\nnobody:x:65534:\n"), 0o644)
	t.file("etc/nsswitch.conf", []byte("hosts: files dns\n"), 0o644)
	t.dir("etc/ssl", 0o755, 0)
	t.dir("etc/ssl/certs", 0o755, 0)
	ca, err := caBundle(o.caBundle)
	if err != nil {
		return nil, err
	}
	t.file(caPath, ca, 0o644)
	t.dir("home", 0o755, 0)
	t.dir("home/nonroot", 0o700, nonRootID)
	t.dir("root", 0o700, 0)
	t.dir("tmp", 0o1777, 0)
	t.dir("usr", 0o755, 0)
	t.dir("usr/share", 0o755, 0)
	if err := zoneinfo(t); err != nil {
		return nil, err
	}
	return layerOf(t)
}

// caBundle is the pinned NSS root set as PEM, or the file given with -ca-bundle.
// Roots that NSS trusts only with a distrust-after date cannot be expressed in
// a PEM bundle and are left out.
func caBundle(file string) ([]byte, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		if block, _ := pem.Decode(data); block == nil {
			return nil, fmt.Errorf("-ca-bundle %s: no PEM certificate", file)
		}
		return data, nil
	}
	var b bytes.Buffer
	n := 0
	for root := range bundle.Roots() {
		if root.Constraint != nil {
			continue
		}
		sum := sha256.Sum256(root.Certificate)
		fmt.Fprintf(&b, "# sha256 %s\n", hex.EncodeToString(sum[:]))
		if err := pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: root.Certificate}); err != nil {
			return nil, err
		}
		n++
	}
	if n == 0 {
		return nil, errors.New("the pinned root bundle is empty")
	}
	return b.Bytes(), nil
}

// zoneinfo unpacks the Go toolchain's time-zone database into /usr/share/zoneinfo,
// where Go (and everything else) looks first.
func zoneinfo(t *tree) error {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	zr, err := zip.OpenReader(filepath.Join(strings.TrimSpace(string(out)), "lib", "time", "zoneinfo.zip"))
	if err != nil {
		return err
	}
	defer zr.Close()
	t.dir(zonePath, 0o755, 0)
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			return err
		}
		name := path.Join(zonePath, path.Clean(f.Name))
		for d := path.Dir(name); d != zonePath; d = path.Dir(d) {
			t.dir(d, 0o755, 0)
		}
		t.file(name, data, 0o644)
	}
	return nil
}
