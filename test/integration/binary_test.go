package integration

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/server/temporaltest"

	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// TestAutoscalerBinaryStopsCleanlyOnSIGTERM runs the real binary, configured
// only through flags, against a real apiserver, Temporal server and VPSie
// simulator, then sends SIGTERM as the kubelet would.
func TestAutoscalerBinaryStopsCleanlyOnSIGTERM(t *testing.T) {
	env := needKube(t)
	ns := newNamespace(t, env.Client)
	dir := t.TempDir()
	bin := buildAutoscaler(t, dir)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := env.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	sim, err := vpsiesim.New(vpsiesim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	creds := filepath.Join(dir, "credentials.yaml")
	if err := os.WriteFile(creds, []byte("clientId: sim-client\nclientSecret: sim-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	metrics, health := freeAddr(t), freeAddr(t)

	cmd := exec.Command(bin,
		"--controller.kubeconfig="+kubeconfig, "--controller.namespace="+ns,
		"--controller.leader-election-id=binary-it", "--controller.graceful-shutdown-timeout=30s",
		"--temporal.address="+ts.GetFrontendHostPort(), "--temporal.namespace="+ts.GetDefaultNamespace(),
		"--temporal.task-queue=binary-it",
		"--vpsie.base-url="+srv.URL+vpsieapi.PrefixA, "--vpsie.allow-insecure-http", "--vpsie.credentials.file="+creds,
		"--metrics.bind-address="+metrics, "--health.bind-address="+health, "--logging.format=text")
	logFile, err := os.Create(filepath.Join(dir, "autoscaler.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if t.Failed() {
			out, _ := os.ReadFile(logFile.Name())
			t.Logf("autoscaler log:\n%s", out)
		}
	}()

	eventually(t, "readyz", func() error { return httpOK("http://" + health + "/readyz") })
	eventually(t, "lease held", func() error { return leaseHolder(context.Background(), ns, "binary-it", true) })
	if err := httpContains("http://"+metrics+"/metrics", "vpsie_autoscaler_vpsie_api_circuit_breaker_state"); err != nil {
		t.Errorf("vpsie client metrics not exported: %v", err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("autoscaler exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(45 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("autoscaler still running 45s after SIGTERM")
	}
	if err := leaseHolder(context.Background(), ns, "binary-it", false); err != nil {
		t.Errorf("lease not released on SIGTERM: %v", err)
	}
}

// buildAutoscaler compiles cmd/autoscaler with the test binary's race mode,
// so it reuses the packages `go test` already compiled.
func buildAutoscaler(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "autoscaler")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/autoscaler")...)
	cmd.Dir = testenv.RepoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building autoscaler: %v\n%s", err, out)
	}
	return bin
}
