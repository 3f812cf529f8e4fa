package workflowstart_test

import (
	"context"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"

	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// Every start ensures the Schedule: the first creates it, a later one (another interval
// in the configuration) updates it in place instead of failing or making a second.
func TestTemporalEnsureScheduleCreatesThenUpdates(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	s := workflowstart.New(c, t.Name())
	spec := workflowstart.ScheduleSpec{ID: "gc/c1", Workflow: "CollectOrphans", Input: "c1", Every: time.Hour}
	ensure(ctx, t, s, c.ScheduleClient(), spec)
	spec.Every = 2 * time.Hour
	ensure(ctx, t, s, c.ScheduleClient(), spec)
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

// ensure retries EnsureSchedule as the operator does (internal/operator/gc.go): an update describes the Schedule
// through its scheduler workflow, whose RPCs time out when a loaded machine slows the test server; the operator
// then tries again, and so does the test, until ctx ends.
func ensure(ctx context.Context, t *testing.T, s *workflowstart.Starter, c sdkclient.ScheduleClient, spec workflowstart.ScheduleSpec) {
	t.Helper()
	for {
		err := s.EnsureSchedule(ctx, c, spec)
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("ensure %s (every %s): %v", spec.ID, spec.Every, err)
		}
		t.Logf("ensure %s: %v; retrying", spec.ID, err)
		time.Sleep(time.Second)
	}
}
