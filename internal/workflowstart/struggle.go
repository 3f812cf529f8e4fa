package workflowstart

import (
	"context"
	"fmt"
)

// Struggle is a pending activity of a run that has failed at least a few times while
// Temporal keeps retrying it.
type Struggle struct {
	Activity  string
	Attempt   int32
	LastError string
}

// String is what a controller records as lastError and in an Event.
func (s Struggle) String() string {
	return fmt.Sprintf("activity %s failed %d times, retrying: %s", s.Activity, s.Attempt-1, s.LastError)
}

// Struggling returns the pending activity of the running workflow id that has reached
// minAttempts, the one with the most attempts; false when none has.
func (s *Starter) Struggling(ctx context.Context, id string, minAttempts int32) (Struggle, bool, error) {
	resp, err := s.client.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return Struggle{}, false, fmt.Errorf("describing workflow %s: %w", id, err)
	}
	pending := resp.GetPendingActivities()
	var out Struggle
	for _, a := range pending {
		if a.GetAttempt() < minAttempts || a.GetAttempt() <= out.Attempt || a.GetLastFailure() == nil {
			continue
		}
		out = Struggle{Activity: a.GetActivityType().GetName(), Attempt: a.GetAttempt(),
			LastError: a.GetLastFailure().GetMessage()}
	}
	return out, out.Attempt > 0, nil
}
