package workflowstart

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// ScheduleSpec is one workflow to run every Every under a deterministic Schedule ID.
type ScheduleSpec struct {
	ID       string
	Workflow string
	Input    any
	Every    time.Duration
	// Operation becomes the runs' search attribute (with search attributes on).
	Operation string
}

// EnsureSchedule creates the Schedule, or updates an existing one to spec, so calling
// it at every start is idempotent and a Schedule lost with the Temporal database comes
// back. A run still going when the next is due makes that one skip (no overlap), and the
// first run starts at once, so a fresh Temporal recovers without waiting an interval.
func (s *Starter) EnsureSchedule(ctx context.Context, c sdkclient.ScheduleClient, spec ScheduleSpec) error {
	if spec.ID == "" || spec.Workflow == "" || spec.Every <= 0 {
		return fmt.Errorf("schedule needs an id, a workflow and a positive interval")
	}
	action := &sdkclient.ScheduleWorkflowAction{ID: spec.ID, Workflow: spec.Workflow, TaskQueue: s.taskQueue}
	if spec.Input != nil {
		action.Args = []any{spec.Input}
	}
	if s.attrs.Load() {
		action.TypedSearchAttributes = temporal.NewSearchAttributes(AttrOperation.ValueSet(spec.Operation))
	}
	every := sdkclient.ScheduleSpec{Intervals: []sdkclient.ScheduleIntervalSpec{{Every: spec.Every}}}
	overlap := enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
	_, err := c.Create(ctx, sdkclient.ScheduleOptions{ID: spec.ID, Spec: every, Action: action, Overlap: overlap,
		TriggerImmediately: true})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		if err != nil {
			return fmt.Errorf("creating schedule %s: %w", spec.ID, err)
		}
		return nil
	}
	err = c.GetHandle(ctx, spec.ID).Update(ctx, sdkclient.ScheduleUpdateOptions{
		DoUpdate: func(in sdkclient.ScheduleUpdateInput) (*sdkclient.ScheduleUpdate, error) {
			sch := in.Description.Schedule
			sch.Action, sch.Spec = action, &every
			if sch.Policy == nil {
				sch.Policy = &sdkclient.SchedulePolicies{}
			}
			sch.Policy.Overlap = overlap
			return &sdkclient.ScheduleUpdate{Schedule: &sch}, nil
		},
	})
	if err != nil {
		return fmt.Errorf("updating schedule %s: %w", spec.ID, err)
	}
	return nil
}
