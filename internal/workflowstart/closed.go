package workflowstart

import (
	"context"
	"fmt"
	"time"
)

// ClosedAt is when the latest run of workflow id finished; zero while it runs.
func (s *Starter) ClosedAt(ctx context.Context, id string) (time.Time, error) {
	resp, err := s.client.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return time.Time{}, fmt.Errorf("describing workflow %s: %w", id, err)
	}
	if ct := resp.GetWorkflowExecutionInfo().GetCloseTime(); ct != nil {
		return ct.AsTime(), nil
	}
	return time.Time{}, nil
}
