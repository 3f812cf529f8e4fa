package devtemporal

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

const (
	resumeSignal = "resume"
	stateQuery   = "state"
)

// waitForResume blocks on a signal, the shape of every long-running operation that must
// survive a server restart.
func waitForResume(ctx workflow.Context) (string, error) {
	if err := workflow.SetQueryHandler(ctx, stateQuery, func() (string, error) { return "waiting", nil }); err != nil {
		return "", err
	}
	var msg string
	workflow.GetSignalChannel(ctx, resumeSignal).Receive(ctx, &msg)
	return "resumed: " + msg, nil
}

func TestTemporalDevServerResumesWorkflowAfterKill(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db := filepath.Join(t.TempDir(), "temporal.db")
	var r portReserver
	port, err := r.take(loopback, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.release(); err != nil {
		t.Fatal(err)
	}

	first := startChild(ctx, t, db, port)
	c, err := client.DialContext(ctx, client.Options{HostPort: hostPort(loopback, port), Namespace: DefaultNamespace})
	if err != nil {
		t.Fatalf("dialing dev server: %v", err)
	}
	defer c.Close()
	// The worker outlives the server on purpose: SDK clients reconnect by themselves,
	// which is what the autoscaler relies on when Temporal restarts under it.
	w := worker.New(c, "restart-test", worker.Options{})
	w.RegisterWorkflow(waitForResume)
	if err := w.Start(); err != nil {
		t.Fatalf("starting worker: %v", err)
	}
	defer w.Stop()

	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "restart-test", TaskQueue: "restart-test"}, waitForResume)
	if err != nil {
		t.Fatalf("starting workflow: %v", err)
	}
	waitForQuery(ctx, t, c, run.GetID())

	first.kill(t, syscall.SIGKILL) // a crash, not a polite shutdown
	second := startChild(ctx, t, db, port)

	if err := c.SignalWorkflow(ctx, run.GetID(), "", resumeSignal, "after restart"); err != nil {
		t.Fatalf("signalling after restart: %v", err)
	}
	var got string
	if err := run.Get(ctx, &got); err != nil {
		t.Fatalf("waiting for workflow: %v", err)
	}
	if got != "resumed: after restart" {
		t.Errorf("result = %q, want %q", got, "resumed: after restart")
	}

	if code := second.kill(t, syscall.SIGTERM); code != 0 {
		t.Errorf("graceful shutdown exit code = %d, want 0", code)
	}
}

// waitForQuery returns once a worker has run the workflow's first task, so the workflow
// exists in the database and not only in a request in flight.
func waitForQuery(ctx context.Context, t *testing.T, c client.Client, id string) {
	t.Helper()
	for {
		val, err := c.QueryWorkflow(ctx, id, "", stateQuery)
		if err == nil {
			var state string
			if err := val.Get(&state); err == nil && state == "waiting" {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("workflow never became queryable: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

type child struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startChild runs this test binary as a dev server on db and waits until it is ready.
func startChild(ctx context.Context, t *testing.T, db string, port int) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDBEnv+"="+db, childPortEnv+"="+strconv.Itoa(port))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting dev server process: %v", err)
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		defer close(c.done)
		scanner := bufio.NewScanner(stdout)
		signalled := false
		for scanner.Scan() {
			line := scanner.Text()
			t.Log("dev server:", line)
			if !signalled && strings.Contains(line, readyMessage) {
				close(ready)
				signalled = true
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
		_ = cmd.Wait()
	})
	select {
	case <-ready:
		return c
	case <-c.done:
		t.Fatal("dev server process exited before it was ready")
	case <-ctx.Done():
		t.Fatal("dev server process did not become ready")
	}
	return nil
}

// kill sends sig and returns the exit code once the process is gone.
func (c *child) kill(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signalling dev server: %v", err)
	}
	<-c.done // stdout closed: the process is exiting
	err := c.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("waiting for dev server: %v", err)
	}
	return 0
}
