package integration

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// The image that hack/image builds: no base image, the static autoscaler,
// CA certificates and time-zone data, user 65532, no shell; the same digest
// from two builds of one commit.
const (
	imageBinary = "usr/local/bin/vpsie-autoscaler"
	imageCA     = "etc/ssl/certs/ca-certificates.crt"
	imageZones  = "usr/share/zoneinfo"
)

// TestImageIsReproducibleAndRunsFromItsUnpackedRoot builds the image twice,
// compares the digests and the tarballs, unpacks the image and runs its
// entrypoint from the unpacked root: --version, then the autoscaler itself
// against the test apiserver, Temporal and the VPSie simulator, answering its
// health endpoints and terminating a VPSieNode. As root it runs chrooted into
// the image as user 65532 with nothing from the host's filesystem.
func TestImageIsReproducibleAndRunsFromItsUnpackedRoot(t *testing.T) {
	dir := t.TempDir()
	var first, second, firstTar, secondTar string
	for attempt := 1; ; attempt++ {
		before := sourceFingerprint(t)
		first, firstTar = buildImage(t, filepath.Join(dir, fmt.Sprint(attempt), "one", "image.tar"))
		second, secondTar = buildImage(t, filepath.Join(dir, fmt.Sprint(attempt), "two", "image.tar"))
		if first == second {
			break
		}
		// A checkout edited between the two builds is not "the same commit".
		if sourceFingerprint(t) == before || attempt == 3 {
			t.Fatalf("two builds of one commit differ: %s and %s", first, second)
		}
		t.Logf("the sources changed during the builds; building again")
	}
	a, _ := os.ReadFile(firstTar)
	b, _ := os.ReadFile(secondTar)
	if !bytes.Equal(a, b) {
		t.Errorf("the OCI layout tarballs of two builds differ (same image digest %s)", first)
	}
	t.Logf("image digest %s, twice; layout tarball %d bytes", first, len(a))

	img := unpackImage(t, a, filepath.Join(dir, "root"))
	if img.indexDigest != first {
		t.Errorf("layout index points at %s, the build printed %s", img.indexDigest, first)
	}
	cfg := img.config.Config
	if cfg.User != "65532:65532" || !slices.Equal(cfg.Entrypoint, []string{"/" + imageBinary}) || len(cfg.Cmd) != 0 {
		t.Errorf("image config user %q entrypoint %v cmd %v; want 65532:65532, [/%s], none", cfg.User, cfg.Entrypoint, cfg.Cmd, imageBinary)
	}
	if img.config.RootFS.Type != "layers" || img.config.OS != "linux" || img.config.Architecture != runtime.GOARCH {
		t.Errorf("image config rootfs %q os %q arch %q", img.config.RootFS.Type, img.config.OS, img.config.Architecture)
	}
	assertImageFiles(t, img)

	version := img.annotations["org.opencontainers.image.version"]
	bin := filepath.Join(img.root, imageBinary)
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "vpsie-autoscaler "+version {
		t.Errorf("%s --version: %q (%v), want %q", imageBinary, out, err, "vpsie-autoscaler "+version)
	}
	chroot, why := canChroot(img.root)
	if chroot {
		cmd := exec.Command("/"+imageBinary, "--version")
		cmd.SysProcAttr = inImage(img.root)
		cmd.Dir, cmd.Env = "/", []string{}
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), version) {
			t.Errorf("chrooted as 65532: %q (%v)", out, err)
		}
	} else {
		t.Logf("the image's binary runs from the unpacked path, not chrooted: %s", why)
	}

	// The image's binary doing its job. Chrooted, it sees only the image, a
	// /proc as a container runtime mounts one, and the kubeconfig and
	// credentials placed in its /tmp.
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay = 0, time.Second
	h := newProcessHarness(t, simCfg)
	spec := testproc.Spec{Name: "image", Bin: bin, LogDir: dir, Env: []string{
		"SSL_CERT_FILE=" + filepath.Join(img.root, imageCA), "ZONEINFO=" + filepath.Join(img.root, imageZones)}}
	kubeconfig, creds := h.kubeconfig, h.creds
	if chroot && !mountProc(t, img.root) {
		chroot = false
	}
	if chroot {
		for _, f := range []string{h.kubeconfig, h.creds} {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(img.root, "tmp", filepath.Base(f)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		kubeconfig, creds = "/tmp/"+filepath.Base(h.kubeconfig), "/tmp/"+filepath.Base(h.creds)
		spec.Bin, spec.Env, spec.Sys, spec.Dir = "/"+imageBinary, []string{}, inImage(img.root), "/"
	}
	spec.Args = []string{"--controller.kubeconfig=" + kubeconfig, "--controller.namespace=" + h.ns,
		"--controller.leader-election-id=" + h.leaseID, "--temporal.address=" + h.temporalAddr,
		"--temporal.namespace=" + h.temporalNS, "--temporal.task-queue=image-it", "--temporal.identity=image",
		"--vpsie.base-url=" + h.simURL, "--vpsie.allow-insecure-http", "--vpsie.credentials.file=" + creds,
		"--logging.format=text"}
	p := testproc.Start(t, spec)
	if err := httpOK("http://" + p.Health + "/healthz"); err != nil {
		t.Errorf("healthz: %v", err)
	}
	if err := httpContains("http://"+p.Metrics+"/metrics", "vpsie_autoscaler_"); err != nil {
		t.Errorf("metrics: %v", err)
	}
	ctx := context.Background()
	vm, err := h.api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: "image-a", OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64"})
	if err != nil {
		t.Fatal(err)
	}
	memberNode(t, kube.Client, h.ns, "g", "image-a", v1alpha1.PhaseReady, nil)
	setVPSID(t, h.ns, "image-a", vm.Identifier)
	eventually(t, "finalizer added", func() error { return hasFinalizer(h.ns, "image-a") })
	deleteVPSieNode(t, h.ns, "image-a")
	eventuallyWithin(t, 2*time.Minute, "vpsienode released by the image's autoscaler", func() error {
		if err := kube.Client.Get(ctx, keyOf(h.ns, "image-a"), &v1alpha1.VPSieNode{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there: %v", err)
		}
		return nil
	})
	p.Terminate(t, 45*time.Second)
}

// TestDockerfileBuildsWhatTheImageBuilds keeps the Dockerfile (which cannot
// run here) in step: the Go version, every directory the binary is built from,
// the user and the entrypoint.
func TestDockerfileBuildsWhatTheImageBuilds(t *testing.T) {
	root := testenv.RepoRoot()
	data, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	if want := "ARG GO_VERSION=" + strings.TrimPrefix(runtime.Version(), "go"); !strings.Contains(df, want) {
		t.Errorf("Dockerfile lacks %q (the Go version the project builds with)", want)
	}
	copied := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^COPY ([a-z0-9_-]+)/ `).FindAllStringSubmatch(df, -1) {
		copied[m[1]] = true
	}
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if .Module}}{{if .Module.Main}}{{.ImportPath}}{{end}}{{end}}", "./cmd/autoscaler")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		top, _, _ := strings.Cut(strings.TrimPrefix(pkg, "github.com/vpsie/vpsie-autoscaler/"), "/")
		if !copied[top] {
			t.Errorf("the binary imports %s, but the Dockerfile does not COPY %s/", pkg, top)
		}
	}
	for _, want := range []string{"COPY go.mod go.sum ./", "USER 65532:65532",
		`ENTRYPOINT ["/` + imageBinary + `"]`, "CGO_ENABLED=0", "-trimpath", "-X main.version=",
		"FROM gcr.io/distroless/static"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// buildImage runs hack/image (what `make image` runs) for this machine's
// platform and returns the digest it printed and the tarball's path.
func buildImage(t *testing.T, out string) (string, string) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command("go", "-C", "hack/image", "run", ".", "-repo", testenv.RepoRoot(), "-out", out)
	cmd.Dir = testenv.RepoRoot()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	digest, err := cmd.Output()
	if err != nil {
		t.Fatalf("building the image: %v\n%s", err, stderr.String())
	}
	t.Logf("image build took %s", time.Since(start).Round(100*time.Millisecond))
	return strings.TrimSpace(string(digest)), out
}

// sourceFingerprint identifies the checkout's state: commit, changes and untracked files.
func sourceFingerprint(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	for _, args := range [][]string{{"rev-parse", "HEAD"}, {"diff", "HEAD"}, {"status", "--porcelain", "--untracked-files=all"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = testenv.RepoRoot()
		out, err := cmd.Output()
		if err != nil {
			return "" // no git: nothing to compare
		}
		b.Write(out)
	}
	cmd := exec.Command("git", "ls-files", "--others", "--exclude-standard", "-z")
	cmd.Dir = testenv.RepoRoot()
	out, _ := cmd.Output()
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), f)); err == nil {
			b.Write(data)
		}
	}
	return fmt.Sprintf("%x", sha256.Sum256(b.Bytes()))
}

type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Annotations map[string]string `json:"annotations"`
	Platform    *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
	} `json:"platform"`
}

type ociIndex struct {
	Manifests   []ociDescriptor   `json:"manifests"`
	Annotations map[string]string `json:"annotations"`
}

type ociManifest struct {
	Config ociDescriptor   `json:"config"`
	Layers []ociDescriptor `json:"layers"`
}

type ociConfig struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Config       struct {
		User       string   `json:"User"`
		Entrypoint []string `json:"Entrypoint"`
		Cmd        []string `json:"Cmd"`
	} `json:"config"`
	RootFS struct {
		Type string `json:"type"`
	} `json:"rootfs"`
}

type unpackedImage struct {
	root, indexDigest string
	annotations       map[string]string
	config            ociConfig
	entries           []*tar.Header
}

// unpackImage reads the OCI layout tarball the way a runtime would: index.json,
// the image index, this platform's manifest, its config and layers, which it
// extracts into root.
func unpackImage(t *testing.T, layoutTar []byte, root string) *unpackedImage {
	t.Helper()
	blobs := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(layoutTar))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		blobs[h.Name] = data
	}
	blob := func(digest string) []byte {
		data, ok := blobs["blobs/"+strings.Replace(digest, ":", "/", 1)]
		if !ok {
			t.Fatalf("layout lacks blob %s", digest)
		}
		return data
	}
	var top ociIndex
	mustJSON(t, blobs["index.json"], &top)
	if len(top.Manifests) != 1 || top.Manifests[0].MediaType != "application/vnd.oci.image.index.v1+json" {
		t.Fatalf("index.json: %+v, want one image index", top)
	}
	img := &unpackedImage{root: root, indexDigest: top.Manifests[0].Digest}
	var idx ociIndex
	mustJSON(t, blob(img.indexDigest), &idx)
	img.annotations = idx.Annotations
	var manifest ociManifest
	for _, m := range idx.Manifests {
		if m.Platform != nil && m.Platform.OS == "linux" && m.Platform.Architecture == runtime.GOARCH {
			mustJSON(t, blob(m.Digest), &manifest)
		}
	}
	if len(manifest.Layers) == 0 {
		t.Fatalf("no linux/%s image in the index: %+v", runtime.GOARCH, idx)
	}
	mustJSON(t, blob(manifest.Config.Digest), &img.config)
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	asRoot := os.Geteuid() == 0
	for _, l := range manifest.Layers {
		if l.MediaType != "application/vnd.oci.image.layer.v1.tar+gzip" {
			t.Fatalf("layer media type %s", l.MediaType)
		}
		zr, err := gzip.NewReader(bytes.NewReader(blob(l.Digest)))
		if err != nil {
			t.Fatal(err)
		}
		lr := tar.NewReader(zr)
		for {
			h, err := lr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			img.entries = append(img.entries, h)
			target := filepath.Join(root, filepath.FromSlash(h.Name))
			if !strings.HasPrefix(target, root+string(filepath.Separator)) {
				t.Fatalf("layer entry %q escapes the root", h.Name)
			}
			switch h.Typeflag {
			case tar.TypeDir:
				if err := os.MkdirAll(target, 0o755); err != nil {
					t.Fatal(err)
				}
			case tar.TypeReg:
				data, _ := io.ReadAll(lr)
				if err := os.WriteFile(target, data, 0o600); err != nil {
					t.Fatal(err)
				}
			default:
				t.Errorf("layer entry %s has type %c; the image has only directories and files", h.Name, h.Typeflag)
				continue
			}
			if err := os.Chmod(target, os.FileMode(h.Mode&0o777)|modeBits(h.Mode)); err != nil {
				t.Fatal(err)
			}
			if asRoot {
				if err := os.Lchown(target, h.Uid, h.Gid); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return img
}

func modeBits(mode int64) os.FileMode {
	var m os.FileMode
	if mode&0o1000 != 0 {
		m |= os.ModeSticky
	}
	return m
}

// assertImageFiles: only the expected files, fixed metadata, a static binary,
// a usable CA bundle and time-zone data, and no shell.
func assertImageFiles(t *testing.T, img *unpackedImage) {
	t.Helper()
	allowed := regexp.MustCompile(`^(etc/(passwd|group|nsswitch\.conf|ssl/certs/ca-certificates\.crt)|` +
		regexp.QuoteMeta(imageBinary) + `|` + imageZones + `/[A-Za-z0-9_+./-]+)$`)
	var epoch time.Time
	for _, h := range img.entries {
		if epoch.IsZero() {
			epoch = h.ModTime
		}
		if !h.ModTime.Equal(epoch) {
			t.Errorf("%s has mtime %s, the others %s", h.Name, h.ModTime, epoch)
		}
		if h.Typeflag == tar.TypeReg && !allowed.MatchString(h.Name) {
			t.Errorf("unexpected file in the image: %s", h.Name)
		}
		if (h.Uid != 0 || h.Gid != 0) && h.Name != "home/nonroot/" {
			t.Errorf("%s is owned by %d:%d", h.Name, h.Uid, h.Gid)
		}
		if base := filepath.Base(h.Name); slices.Contains([]string{"sh", "bash", "ash", "busybox", "dash"}, base) {
			t.Errorf("the image has a shell: %s", h.Name)
		}
	}
	passwd, _ := os.ReadFile(filepath.Join(img.root, "etc", "passwd"))
	if !strings.Contains(string(passwd), "nonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd has no user 65532:\n%s", passwd)
	}
	f, err := elf.Open(filepath.Join(img.root, imageBinary))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary is dynamically linked; the image has no libc")
		}
	}
	pemData, err := os.ReadFile(filepath.Join(img.root, imageCA))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(pemData), "BEGIN CERTIFICATE"); n < 100 || !x509.NewCertPool().AppendCertsFromPEM(pemData) {
		t.Errorf("CA bundle holds %d certificates; want the public roots", n)
	}
	zone, err := os.ReadFile(filepath.Join(img.root, imageZones, "Europe", "Amsterdam"))
	if err == nil {
		_, err = time.LoadLocationFromTZData("Europe/Amsterdam", zone)
	}
	if err != nil {
		t.Errorf("time-zone data: %v", err)
	}
}

// canChroot reports whether this process may chroot and switch users (as
// root, where the container runtime allows it), and why not.
func canChroot(root string) (bool, string) {
	if os.Geteuid() != 0 {
		return false, "not root"
	}
	cmd := exec.Command("/"+imageBinary, "--version")
	cmd.SysProcAttr, cmd.Dir, cmd.Env = inImage(root), "/", []string{}
	if out, err := cmd.CombinedOutput(); err != nil {
		return false, fmt.Sprintf("chroot as 65532 failed: %v %s", err, out)
	}
	return true, ""
}

// mountProc mounts a proc filesystem at root/proc until the test ends, as a
// container runtime does (the Temporal SDK reads /proc/self/exe).
func mountProc(t *testing.T, root string) bool {
	t.Helper()
	dir := filepath.Join(root, "proc")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("proc", dir, "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		t.Logf("cannot mount /proc into the unpacked image (%v): the autoscaler runs from the unpacked path, not chrooted", err)
		return false
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	return true
}

// inImage runs a process with the unpacked image as its root, as the image's user.
func inImage(root string) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
}

func mustJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
}
