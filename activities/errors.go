package activities

import (
	"errors"
	"fmt"
	"net/http"

	"go.temporal.io/sdk/temporal"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// vpsieErrorType is the contract error type an activity fails with for one VPSie
// error kind, and whether Temporal may retry it.
type vpsieErrorType struct {
	typ          string
	nonRetryable bool
}

// vpsieErrorTypes is the one mapping from VPSie error kinds to contract error types and
// to Temporal's retry decision. VPSie calls retry without limit (workflows' vpsieCall),
// so a kind that fails the same way on every retry is non-retryable: a request the API
// rejects as invalid, and exhausted capacity (ScaleUp tries the next placement). Every
// other kind is retried, including rejected credentials (the client re-reads the Secret
// at every login, so once an operator rotates it the waiting retries go through) and a
// bad endpoint (a wrong base URL or API shape: the run stays visibly retrying, and its
// VPSieNode records the error, until an operator fixes the configuration).
var vpsieErrorTypes = map[vpsie.Kind]vpsieErrorType{
	vpsie.KindUnknown:           {typ: contract.ErrVPSieUnknown},
	vpsie.KindNotFound:          {typ: contract.ErrVPSieNotFound},
	vpsie.KindUnauthorized:      {typ: contract.ErrVPSieUnauthorized},
	vpsie.KindRateLimited:       {typ: contract.ErrVPSieRateLimited},
	vpsie.KindCapacityExhausted: {typ: contract.ErrVPSieCapacityExhausted, nonRetryable: true},
	vpsie.KindInvalidRequest:    {typ: contract.ErrVPSieInvalidRequest, nonRetryable: true},
	vpsie.KindTransient:         {typ: contract.ErrVPSieTransient},
	vpsie.KindCircuitOpen:       {typ: contract.ErrVPSieCircuitOpen},
	vpsie.KindBadEndpoint:       {typ: contract.ErrVPSieBadEndpoint},
}

// vpsieError turns a VPSie client error into the activity's failure, typed and
// classified by vpsieErrorTypes. A Retry-After from the API becomes the next retry
// delay, so Temporal waits exactly as long as the API asked.
func vpsieError(what string, err error) error {
	t, ok := vpsieErrorTypes[vpsie.KindOf(err)]
	if !ok {
		t = vpsieErrorTypes[vpsie.KindUnknown]
	}
	msg := fmt.Sprintf("%s: %v", what, err)
	if t.nonRetryable {
		return temporal.NewNonRetryableApplicationError(msg, t.typ, err)
	}
	return temporal.NewApplicationErrorWithOptions(msg, t.typ,
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

// nonRetryable fails an activity called with input it can never act on.
func nonRetryable(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, contract.ErrInvalidInput, nil)
}
