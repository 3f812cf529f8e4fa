package activities

import (
	"errors"
	"fmt"
	"net/http"

	"go.temporal.io/sdk/temporal"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

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

// evictionBlocker is the one place that maps an Eviction API error to the drain's
// decision; "" when the pod is gone (an earlier attempt evicted it, or it was deleted).
// Anything else is a refusal that EvictPods retries itself, with backoff, until the
// drain's deadline, and reports as what blocks the node: a 429 is a
// PodDisruptionBudget without disruptions left (its cause names the budget), a 500 a
// pod covered by several budgets (the API cannot evict it), and other errors are
// transient or need an operator, who sees them on the node. None fails the activity:
// a drain that cannot finish is compensated by the workflow, never retried blindly.
func evictionBlocker(pod string, err error) string {
	if apierrors.IsNotFound(err) {
		return ""
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Code == http.StatusTooManyRequests {
		if d := status.Status().Details; d != nil {
			for _, c := range d.Causes {
				if c.Type == policyv1.DisruptionBudgetCause {
					return fmt.Sprintf("pod %s: %s", pod, c.Message)
				}
			}
		}
		return fmt.Sprintf("pod %s: disruption budget: %s", pod, status.Status().Message)
	}
	return fmt.Sprintf("pod %s: eviction failed: %v", pod, err)
}

func nonRetryable(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, ErrInvalidInput, nil)
}
