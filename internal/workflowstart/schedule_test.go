package workflowstart_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/server/temporaltest"

	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// Every start ensures the Schedule: the first creates it, a later one (another interval
// in the configuration) updates it in place instead of failing or making a second.
func TestTemporalEnsureScheduleCreatesThenUpdates(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s := workflowstart.New(c, t.Name())
	spec := workflowstart.ScheduleSpec{ID: "gc/c1", Workflow: "CollectOrphans", Input: "c1", Every: time.Hour}
	if err := s.EnsureSchedule(ctx, c.ScheduleClient(), spec); err != nil {
		t.Fatal(err)
	}
	spec.Every = 2 * time.Hour
	if err := s.EnsureSchedule(ctx, c.ScheduleClient(), spec); err != nil {
		t.Fatalf("second ensure: %v", err)
	}
	d, err := c.ScheduleClient().GetHandle(ctx, "gc/c1").Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Schedule.Spec.Intervals; len(got) != 1 || got[0].Every != 2*time.Hour {
		t.Fatalf("intervals %+v, want one of 2h", got)
	}
	if err := workflowstart.New(c, "q").EnsureSchedule(ctx, c.ScheduleClient(), workflowstart.ScheduleSpec{ID: "x"}); err == nil {
		t.Fatal("a schedule without a workflow and interval was accepted")
	}
}
