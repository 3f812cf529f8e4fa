package testproc

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/freeport"
)

// Spec is one autoscaler process. Args come after the metrics and health flags, so a
// test may override those too.
type Spec struct {
	Name, Bin, LogDir, Dir string
	Args, Env              []string
	Sys                    *syscall.SysProcAttr
	// ReadyWithin bounds the wait for /readyz; zero means two minutes.
	ReadyWithin time.Duration
}

// Process is one running autoscaler.
type Process struct {
	Cmd                      *exec.Cmd
	Metrics, Health, LogPath string
	exited                   chan error
}

// Start runs spec and waits until /readyz answers. The process is killed when the test
// ends; its log is printed when the test failed.
func Start(t testing.TB, spec Spec) *Process {
	t.Helper()
	p := &Process{Metrics: addr(t), Health: addr(t), LogPath: filepath.Join(spec.LogDir, spec.Name+".log"),
		exited: make(chan error, 1)}
	args := append([]string{"--metrics.bind-address=" + p.Metrics, "--health.bind-address=" + p.Health}, spec.Args...)
	p.Cmd = exec.Command(spec.Bin, args...)
	p.Cmd.Env, p.Cmd.SysProcAttr, p.Cmd.Dir = spec.Env, spec.Sys, spec.Dir
	logFile, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	p.Cmd.Stdout, p.Cmd.Stderr = logFile, logFile
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- p.Cmd.Wait(); _ = logFile.Close() }()
	t.Cleanup(func() {
		_ = p.Cmd.Process.Kill()
		p.wait()
		if t.Failed() {
			out, _ := os.ReadFile(p.LogPath)
			t.Logf("autoscaler %s log (last 200 lines):\n%s", spec.Name, LastLines(string(out), 200))
		}
		keepLog(t, p.LogPath)
	})
	within := spec.ReadyWithin
	if within == 0 {
		within = 2 * time.Minute
	}
	deadline := time.Now().Add(within)
	for {
		err := p.ready()
		if err == nil {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("autoscaler %s not ready after %s: %v", spec.Name, within, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ready is nil once /readyz answers 200, and an error with the log's tail once the process exited.
func (p *Process) ready() error {
	if done, err := p.Exited(); done {
		out, _ := os.ReadFile(p.LogPath)
		return fmt.Errorf("exited: %v\n%s", err, LastLines(string(out), 20))
	}
	resp, err := http.Get("http://" + p.Health + "/readyz")
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("readyz: %s", resp.Status)
	}
	return nil
}

// Exited reports whether the process has exited, and its exit error.
func (p *Process) Exited() (bool, error) {
	select {
	case err := <-p.exited:
		p.exited <- err // later callers see it too
		return true, err
	default:
		return false, nil
	}
}

// WaitExit waits up to within for the process to exit, and reports its exit error.
func (p *Process) WaitExit(within time.Duration) (bool, error) {
	select {
	case err := <-p.exited:
		p.exited <- err
		return true, err
	case <-time.After(within):
		return false, nil
	}
}

func (p *Process) wait() error {
	err := <-p.exited
	p.exited <- err
	return err
}

// Kill ends the process the way a node failure or an OOM kill does.
func (p *Process) Kill(t testing.TB) {
	t.Helper()
	if err := p.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = p.wait()
}

// Terminate sends SIGTERM and expects a clean exit within the given time.
func (p *Process) Terminate(t testing.TB, within time.Duration) {
	t.Helper()
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited, err := p.WaitExit(within)
	switch {
	case !exited:
		t.Fatalf("autoscaler still running %s after SIGTERM", within)
	case err != nil:
		t.Fatalf("autoscaler exited with %v after SIGTERM, want 0", err)
	}
}

// Build compiles cmd/autoscaler into dir, with the race detector when race is set (so it
// reuses the packages `go test -race` already compiled).
func Build(t testing.TB, repoRoot, dir string, race bool) string {
	t.Helper()
	return BuildCommand(t, repoRoot, dir, "autoscaler", race)
}

// BuildCommand compiles cmd/<name> into dir/<name>, with the race detector when race is set.
func BuildCommand(t testing.TB, repoRoot, dir, name string, race bool) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/"+name)...)
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, out)
	}
	return bin
}

// LastLines is the last n lines of s.
func LastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func addr(t testing.TB) string {
	t.Helper()
	a, err := freeport.Addr()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// KeepLogsEnv names a directory that receives a copy of every process's whole log when
// its test ends, passed or failed: the logs of a passing run are the only record of
// where its time went (they live in the test's temporary directory otherwise).
const KeepLogsEnv = "TESTPROC_KEEP_LOGS"

func keepLog(t testing.TB, path string) {
	dir := os.Getenv(KeepLogsEnv)
	if dir == "" {
		return
	}
	out, err := os.ReadFile(path)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err == nil {
		name := strings.NewReplacer("/", "_").Replace(t.Name()) + "-" + filepath.Base(path)
		err = os.WriteFile(filepath.Join(dir, name), out, 0o600)
	}
	if err != nil {
		t.Logf("keeping log %s: %v", path, err)
	}
}
