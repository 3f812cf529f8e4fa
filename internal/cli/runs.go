package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// RunRow is one Temporal run of a NodeGroup.
type RunRow struct {
	Workflow string        `json:"workflow"`
	RunID    string        `json:"runID"`
	Type     string        `json:"type"`
	Status   string        `json:"status"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration"`
	Failure  string        `json:"failure,omitempty"`
	WebUI    string        `json:"webUI,omitempty"`
}

// maxRuns bounds the listing: the newest runs first.
const maxRuns = 50

func (a *App) runRuns(ctx context.Context, group string) error {
	_, g, err := a.viewGroup(ctx, group)
	if err != nil {
		return err
	}
	tc, err := a.temporal(ctx)
	if err != nil {
		return err
	}
	query := fmt.Sprintf("%s = %q", workflowstart.AttrNodeGroup.GetName(), g.Key().String())
	resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: a.TemporalNamespace, Query: query, PageSize: maxRuns})
	if err != nil {
		return temporalError(a.TemporalAddress, fmt.Errorf("listing runs where %s: %w (are the search attributes registered?)", query, err))
	}
	var rows []RunRow
	for _, e := range resp.GetExecutions() {
		r := RunRow{Workflow: e.GetExecution().GetWorkflowId(), RunID: e.GetExecution().GetRunId(), Type: e.GetType().GetName(),
			Status: e.GetStatus().String(), Started: e.GetStartTime().AsTime()}
		end := a.now()
		if e.GetCloseTime() != nil {
			end = e.GetCloseTime().AsTime()
		}
		r.Duration = end.Sub(r.Started).Round(time.Second)
		if e.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_FAILED {
			if err := tc.GetWorkflow(ctx, r.Workflow, r.RunID).Get(ctx, nil); err != nil {
				r.Failure = err.Error()
			}
		}
		if u := a.webUI(r.Workflow); u != "" {
			r.WebUI = u + "/" + r.RunID
		}
		rows = append(rows, r)
	}
	return a.render(rows, func(w io.Writer, wide bool) error {
		t := newTable("TYPE", "STATUS", "STARTED", "DURATION", "WORKFLOW", "FAILURE", "WEB UI").wideFrom(6)
		for _, r := range rows {
			t.add(r.Type, a.runColor(r.Status), r.Started.UTC().Format(time.RFC3339), r.Duration.String(), r.Workflow, r.Failure, r.WebUI)
		}
		return t.write(w, wide)
	})
}

func (a *App) runColor(s string) string {
	switch s {
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED.String():
		return a.paint(green, s)
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING.String():
		return a.paint(yellow, s)
	}
	return a.paint(red, s)
}
