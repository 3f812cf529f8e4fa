package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Health answers liveness probes sent through Temporal.
type Health struct {
	// Identity names this worker in Ping answers; the worker sets it to its client identity.
	Identity string
}

// Ping echoes the message with the identity of the worker that ran it.
func (h *Health) Ping(ctx context.Context, in contract.PingInput) (contract.PingResult, error) {
	activity.GetLogger(ctx).Debug("Ping received", "identity", h.Identity)
	return contract.PingResult{Message: in.Message, Identity: h.Identity}, nil
}
