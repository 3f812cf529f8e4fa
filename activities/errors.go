package activities

import (
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
)

// Application error types workflows can match on.
const (
	// ErrInvalidInput: the activity was called with input it can never act on.
	ErrInvalidInput = "InvalidInput"
)

// vpsieError wraps a VPSie client error for Temporal. Requests the API
// rejects as invalid and exhausted capacity will fail the same way on every
// retry, and an accepted but unconfirmed create must not be sent again, so
// they are non-retryable (the workflow decides what to do instead);
// everything else is retried by the activity's retry policy, including
// rejected credentials: the client re-reads the Secret at every login, so once
// an operator rotates it the waiting retries go through.
func vpsieError(what string, err error) error {
	kind := vpsie.KindOf(err)
	switch kind {
	case vpsie.KindInvalidRequest, vpsie.KindCapacityExhausted, vpsie.KindCreateUnconfirmed:
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %v", what, err), kind.String(), err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func nonRetryable(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, ErrInvalidInput, nil)
}
