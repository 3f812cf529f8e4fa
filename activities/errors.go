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

// vpsieError is the one place that maps a VPSie client error to Temporal's retry
// decision. Requests the API rejects as invalid and exhausted capacity fail the same
// way on every retry, so they are non-retryable (the workflow decides what to do
// instead). Everything else is retried by the activity's retry policy, including
// rejected credentials (the client re-reads the Secret at every login, so once an
// operator rotates it the waiting retries go through) and a bad endpoint (a wrong
// base URL or API shape: the run stays visibly retrying, and its VPSieNode records
// the error, until an operator fixes the configuration). A Retry-After from the API
// becomes the next retry delay, so Temporal waits exactly as long as the API asked.
func vpsieError(what string, err error) error {
	kind := vpsie.KindOf(err)
	msg := fmt.Sprintf("%s: %v", what, err)
	switch kind {
	case vpsie.KindInvalidRequest, vpsie.KindCapacityExhausted:
		return temporal.NewNonRetryableApplicationError(msg, kind.String(), err)
	}
	return temporal.NewApplicationErrorWithOptions(msg, kind.String(),
		temporal.ApplicationErrorOptions{Cause: err, NextRetryDelay: vpsie.RetryAfter(err)})
}

func nonRetryable(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, ErrInvalidInput, nil)
}
