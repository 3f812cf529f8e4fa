//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"

	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
)

// stepTracker turns history events into the workflow's steps: each completed activity or
// child workflow is one, named after the activity (or "child:" and the workflow type);
// consecutive completions of the same name (a poll such as GetVPSState) are one step.
type stepTracker struct {
	scheduled map[int64]string
	steps     []string
}

func newStepTracker() *stepTracker { return &stepTracker{scheduled: map[int64]string{}} }

// add reads one event and reports whether it completed a new step.
func (s *stepTracker) add(e *historypb.HistoryEvent) bool {
	var name string
	switch {
	case e.GetActivityTaskScheduledEventAttributes() != nil:
		s.scheduled[e.GetEventId()] = e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()
		return false
	case e.GetActivityTaskCompletedEventAttributes() != nil:
		name = s.scheduled[e.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()]
	case e.GetChildWorkflowExecutionCompletedEventAttributes() != nil:
		name = "child:" + e.GetChildWorkflowExecutionCompletedEventAttributes().GetWorkflowType().GetName()
	default:
		return false
	}
	if n := len(s.steps); n > 0 && s.steps[n-1] == name {
		return false
	}
	s.steps = append(s.steps, name)
	return true
}

// historySteps reads the steps of the workflow's latest run as recorded so far.
func historySteps(ctx context.Context, tc sdkclient.Client, id string) ([]string, error) {
	s := newStepTracker()
	it := tc.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return s.steps, err
		}
		s.add(e)
	}
	return s.steps, nil
}

// killAt SIGKILLs the autoscaler at the cell's point of the workflow id: right after its
// step-th step completed (read by long-polling the history), or, for step 0, while an
// activity or child workflow of it runs. It returns what the history showed at the kill.
func killAt(t *testing.T, tc sdkclient.Client, p *testproc.Process, id string, c cell) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), convergeWithin)
	defer cancel()
	var why string
	var err error
	if c.step == 0 {
		why, err = waitRunningActivity(ctx, tc, id, c.sc.mid)
	} else {
		why, err = waitStep(ctx, tc, id, c.step)
	}
	p.Kill(t)
	if err != nil {
		t.Fatalf("waiting for the kill point of %s: %v", id, err)
	}
	steps, err := historySteps(context.Background(), tc, id)
	if err != nil {
		t.Fatalf("reading the history of %s: %v", id, err)
	}
	return fmt.Sprintf("%s; %d steps done at the kill", why, len(steps))
}

// waitStep long-polls the history until its step-th step completes, or the run closes.
func waitStep(ctx context.Context, tc sdkclient.Client, id string, step int) (string, error) {
	s := newStepTracker()
	it := tc.GetWorkflowHistory(ctx, id, "", true, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return "", err
		}
		if s.add(e) && len(s.steps) == step {
			return "after " + s.steps[step-1], nil
		}
	}
	return fmt.Sprintf("the run closed after %d steps %v, before step %d", len(s.steps), s.steps, step), nil
}

// waitRunningActivity polls the run until an activity of it has started (a worker holds
// it), the activity named mid when set, or else a child workflow of it runs.
func waitRunningActivity(ctx context.Context, tc sdkclient.Client, id, mid string) (string, error) {
	for ctx.Err() == nil {
		d, err := tc.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return "", err
		}
		for _, a := range d.GetPendingActivities() {
			if a.GetState() == enumspb.PENDING_ACTIVITY_STATE_STARTED && (mid == "" || a.GetActivityType().GetName() == mid) {
				return fmt.Sprintf("during %s (attempt %d)", a.GetActivityType().GetName(), a.GetAttempt()), nil
			}
		}
		if ch := d.GetPendingChildren(); mid == "" && len(ch) > 0 {
			return "during child " + ch[0].GetWorkflowTypeName() + " " + ch[0].GetWorkflowId(), nil
		}
		if d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return "after the run closed, no running activity seen", nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "", ctx.Err()
}

// findWorkflow waits until exactly one run of the group's operation is listed by the
// search attributes, and returns its ID.
func findWorkflow(t *testing.T, tc sdkclient.Client, ns, g, operation string) string {
	t.Helper()
	query := fmt.Sprintf("NodeGroup = '%s/%s' AND Operation = '%s'", ns, g, operation)
	var id string
	eventually(t, 3*time.Minute, "a run listed by "+query, func() error {
		ids, err := listRuns(tc, query)
		if err != nil || len(ids) == 0 {
			return fmt.Errorf("no run (%v)", err)
		}
		id = ids[0]
		return nil
	})
	return id
}

// listRuns lists the IDs of the runs matching query, one per run.
func listRuns(tc sdkclient.Client, query string) ([]string, error) {
	resp, err := tc.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: env.temporal.GetDefaultNamespace(), Query: query})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range resp.Executions {
		ids = append(ids, e.Execution.WorkflowId)
	}
	return ids, nil
}

// workflowClosed is nil once the latest run of id has closed.
func workflowClosed(tc sdkclient.Client, id string) error {
	d, err := tc.DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		return err
	}
	if st := d.GetWorkflowExecutionInfo().GetStatus(); st == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return fmt.Errorf("workflow %s still running", id)
	}
	return nil
}

// finishedOnce checks that id ran exactly once and completed.
func finishedOnce(tc sdkclient.Client, id string) error {
	resp, err := tc.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: env.temporal.GetDefaultNamespace(), Query: fmt.Sprintf("WorkflowId = '%s'", id)})
	if err != nil {
		return err
	}
	var runs []string
	for _, e := range resp.Executions {
		runs = append(runs, e.Status.String())
	}
	if len(runs) != 1 || resp.Executions[0].Status != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		return fmt.Errorf("workflow %s has runs %v, want one Completed", id, runs)
	}
	return nil
}
