package workflowstart_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"

	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// blockUntilSignalled runs until it gets the "finish" signal, so a test controls when a
// run is running and when it is finished.
func blockUntilSignalled(ctx workflow.Context, in string) (string, error) {
	workflow.GetSignalChannel(ctx, "finish").Receive(ctx, nil)
	return in, nil
}

func TestTemporalStartOrAttach(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := temporalclient.EnsureSearchAttributes(ctx, c, ts.GetDefaultNamespace(), workflowstart.SearchAttributeNames()...); err != nil {
		t.Fatal(err)
	}
	// Registering twice finds them present.
	if err := temporalclient.EnsureSearchAttributes(ctx, c, ts.GetDefaultNamespace(), workflowstart.SearchAttributeNames()...); err != nil {
		t.Fatalf("second ensure: %v", err)
	}
	w := worker.New(c, t.Name(), worker.Options{})
	w.RegisterWorkflowWithOptions(blockUntilSignalled, workflow.RegisterOptions{Name: "Block"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	s := workflowstart.New(c, t.Name())
	s.EnableSearchAttributes(true)

	spec := func(id string, reuse workflowstart.Reuse) workflowstart.Spec {
		return workflowstart.Spec{ID: id, Workflow: "Block", Input: "in", Reuse: reuse, NodeGroup: "ns/group-a",
			Operation: "Test", Memo: map[string]any{"plan": "2 x std-2c-4g"}}
	}
	first, err := s.StartOrAttach(ctx, spec("op/1", workflowstart.RestartFinished))
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.StartOrAttach(ctx, spec("op/1", workflowstart.RestartFinished))
	if err != nil {
		t.Fatal(err)
	}
	if again.GetRunID() != first.GetRunID() {
		t.Fatalf("a second start while running made run %s, want the running %s", again.GetRunID(), first.GetRunID())
	}
	desc, err := c.DescribeWorkflowExecution(ctx, "op/1", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()["NodeGroup"]; got == nil {
		t.Error("NodeGroup search attribute not set")
	}
	if desc.GetWorkflowExecutionInfo().GetMemo().GetFields()["plan"] == nil {
		t.Error("memo not set")
	}
	finish(ctx, t, c, first)
	restarted, err := s.StartOrAttach(ctx, spec("op/1", workflowstart.RestartFinished))
	if err != nil || restarted.GetRunID() == first.GetRunID() {
		t.Fatalf("restart of a finished run = %v, %v; want a new run", restarted, err)
	}
	finish(ctx, t, c, restarted)

	once, err := s.StartOrAttach(ctx, spec("op/2", workflowstart.NeverReuse))
	if err != nil {
		t.Fatal(err)
	}
	finish(ctx, t, c, once)
	if _, err := s.StartOrAttach(ctx, spec("op/2", workflowstart.NeverReuse)); !errors.Is(err, workflowstart.ErrAlreadyRan) {
		t.Fatalf("start of a finished never-reuse run = %v, want ErrAlreadyRan", err)
	}
}

func finish(ctx context.Context, t *testing.T, c client.Client, run client.WorkflowRun) {
	t.Helper()
	if err := c.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), "finish", nil); err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
}
