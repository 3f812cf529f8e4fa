// Command image builds the vpsie-autoscaler container image without Docker and
// without pulling a base image: an empty base, the static autoscaler binary,
// CA certificates, time-zone data and a non-root user (65532), no shell. The
// result is an OCI image layout in a tarball (an "oci-archive" that skopeo,
// crane, oras, podman and containerd import) and its digest on stdout.
//
// The build is reproducible: the binary is built with -trimpath and pinned
// GOAMD64/GOARM64 levels, every file carries the commit time, the CA bundle
// comes from a pinned Go module (golang.org/x/crypto/x509roots/fallback) and
// the time-zone data from the Go toolchain, so one commit built twice, on any
// machine with the same Go version, gives the same digest.
//
//	go -C hack/image run . -repo "$PWD" -out bin/vpsie-autoscaler-image.tar
//
// `make image` runs it with the version from git describe.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Paths and identities inside the image. The chart's securityContext uses the
// same user; the Dockerfile mirrors them for people who build with Docker.
const (
	binaryPath = "usr/local/bin/vpsie-autoscaler"
	caPath     = "etc/ssl/certs/ca-certificates.crt"
	zonePath   = "usr/share/zoneinfo"
	nonRootID  = 65532
	source     = "https://github.com/vpsie/vpsie-autoscaler"
)

type options struct {
	repo, out, version, revision, caBundle, name string
	platforms                                    []platform
	epoch                                        time.Time
}

type platform struct{ os, arch, variant string }

func (p platform) String() string {
	return strings.TrimSuffix(p.os+"/"+p.arch+"/"+p.variant, "/")
}

func main() {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(2)
	}
	digest, err := build(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
	fmt.Println(digest)
}

func parseOptions(args []string) (options, error) {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	repo := fs.String("repo", "../..", "repository root holding go.mod and cmd/autoscaler")
	out := fs.String("out", "", "OCI layout tarball to write (default <repo>/bin/vpsie-autoscaler-image.tar)")
	plats := fs.String("platforms", "linux/"+runtime.GOARCH, "comma-separated os/arch[/variant] list, e.g. linux/amd64,linux/arm64")
	version := fs.String("version", "", "version stamped into the binary (--version) and labels (default: git describe --tags --always --dirty, else dev)")
	revision := fs.String("revision", "", "source revision label (default: git rev-parse HEAD)")
	epoch := fs.String("epoch", "", "Unix time of every file and of the image (default: $SOURCE_DATE_EPOCH, else the commit time, else 0)")
	ca := fs.String("ca-bundle", "", "PEM file to ship as "+caPath+" instead of the pinned NSS roots (e.g. /etc/ssl/certs/ca-certificates.crt)")
	name := fs.String("name", "", "org.opencontainers.image.ref.name of the image in the layout (default vpsie-autoscaler:<version>)")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	root, err := filepath.Abs(*repo)
	if err != nil {
		return options{}, err
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "autoscaler")); err != nil {
		return options{}, fmt.Errorf("-repo %s: not the repository root: %w", root, err)
	}
	o := options{repo: root, out: *out, version: *version, revision: *revision, caBundle: *ca, name: *name}
	if o.out == "" {
		o.out = filepath.Join(root, "bin", "vpsie-autoscaler-image.tar")
	}
	for _, s := range strings.Split(*plats, ",") {
		parts := strings.Split(strings.TrimSpace(s), "/")
		if len(parts) < 2 || len(parts) > 3 || parts[0] != "linux" || parts[1] == "" {
			return options{}, fmt.Errorf("-platforms: %q is not linux/<arch>[/<variant>]", s)
		}
		p := platform{os: parts[0], arch: parts[1]}
		if len(parts) == 3 {
			p.variant = parts[2]
		}
		o.platforms = append(o.platforms, p)
	}
	if o.version == "" {
		o.version = gitOutput(root, "describe", "--tags", "--always", "--dirty")
	}
	if o.version == "" {
		o.version = "dev"
	}
	if o.revision == "" {
		o.revision = gitOutput(root, "rev-parse", "HEAD")
	}
	if o.name == "" {
		o.name = "vpsie-autoscaler:" + tagSafe(o.version)
	}
	o.epoch, err = sourceEpoch(*epoch, root)
	return o, err
}

// sourceEpoch follows https://reproducible-builds.org/specs/source-date-epoch/.
func sourceEpoch(flagValue, root string) (time.Time, error) {
	text := flagValue
	if text == "" {
		text = os.Getenv("SOURCE_DATE_EPOCH")
	}
	if text == "" {
		text = gitOutput(root, "log", "-1", "--format=%ct")
	}
	if text == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	secs, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("epoch %q: %w", text, err)
	}
	return time.Unix(secs, 0).UTC(), nil
}

func gitOutput(dir string, args ...string) string {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

var notTagChars = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

func tagSafe(s string) string {
	s = notTagChars.ReplaceAllString(s, "-")
	if len(s) > 128 {
		s = s[:128]
	}
	return s
}

// build writes the layout tarball and returns the digest of its image index.
func build(o options) (string, error) {
	work, err := os.MkdirTemp("", "vpsie-image-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)

	base, err := baseLayer(o)
	if err != nil {
		return "", err
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	var summary []string
	for _, p := range o.platforms {
		bin := filepath.Join(work, "vpsie-autoscaler-"+strings.ReplaceAll(p.String(), "/", "-"))
		if err := goBuild(o, p, bin); err != nil {
			return "", err
		}
		img, err := image(o, p, base, bin)
		if err != nil {
			return "", err
		}
		d, err := img.Digest()
		if err != nil {
			return "", err
		}
		summary = append(summary, p.String()+" "+d.String())
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: p.os, Architecture: p.arch, Variant: p.variant},
		}})
	}
	idx = mutate.Annotations(idx, labels(o)).(v1.ImageIndex)
	digest, err := idx.Digest()
	if err != nil {
		return "", err
	}

	dir := filepath.Join(work, "layout")
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return "", err
	}
	if err := lp.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": o.name,
	})); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		return "", err
	}
	if err := tarDirectory(dir, o.out, o.epoch); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "image: %s %s (%s) -> %s\n", o.name, digest, strings.Join(summary, ", "), o.out)
	return digest.String(), nil
}

// goBuild compiles a static autoscaler for p. Microarchitecture levels are
// pinned so an environment variable on the build machine cannot change the bytes.
func goBuild(o options, p platform, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X main.version="+o.version, "-o", out, "./cmd/autoscaler")
	cmd.Dir = o.repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.os, "GOARCH="+p.arch, "GOWORK=off",
		"GOFLAGS=-mod=readonly", "GOAMD64=v1", "GOARM64=v8.0", "GO386=sse2")
	if p.arch == "arm" {
		cmd.Env = append(cmd.Env, "GOARM="+strings.TrimPrefix(cmp(p.variant, "v7"), "v"))
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s: %w", p, err)
	}
	return nil
}

func cmp(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func labels(o options) map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title":       "vpsie-autoscaler",
		"org.opencontainers.image.description": "Kubernetes node autoscaler for the VPSie cloud; every node operation is a Temporal workflow",
		"org.opencontainers.image.source":      source,
		"org.opencontainers.image.version":     o.version,
		"org.opencontainers.image.created":     o.epoch.Format(time.RFC3339),
	}
	if o.revision != "" {
		l["org.opencontainers.image.revision"] = o.revision
	}
	return l
}

// image assembles one platform's image: the shared base layer, then the binary.
func image(o options, p platform, base v1.Layer, binPath string) (v1.Image, error) {
	binary, err := os.ReadFile(binPath)
	if err != nil {
		return nil, err
	}
	t := newTree(o.epoch)
	t.dir("usr", 0o755, 0)
	t.dir("usr/local", 0o755, 0)
	t.dir("usr/local/bin", 0o755, 0)
	t.file(binaryPath, binary, 0o555)
	binLayer, err := layerOf(t)
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: o.epoch}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: p.arch, OS: p.os, Variant: p.variant, Created: created,
		RootFS: v1.RootFS{Type: "layers"},
		Config: v1.Config{
			User:       fmt.Sprintf("%d:%d", nonRootID, nonRootID),
			Entrypoint: []string{"/" + binaryPath},
			Env:        []string{"PATH=/usr/local/bin", "SSL_CERT_FILE=/" + caPath},
			WorkingDir: "/",
			Labels:     labels(o),
		},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(img,
		mutate.Addendum{Layer: base, History: v1.History{Created: created,
			CreatedBy: "hack/image: /etc/passwd, /etc/group, CA certificates, time-zone data, /tmp",
			Comment:   "no shell, no package manager"}},
		mutate.Addendum{Layer: binLayer, History: v1.History{Created: created,
			CreatedBy: "hack/image: go build -trimpath ./cmd/autoscaler (CGO_ENABLED=0) -> /" + binaryPath}},
	)
}
