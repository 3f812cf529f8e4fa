package activities

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// contractVPSieTypes are the VPSie error types workflows/contract declares.
var contractVPSieTypes = []string{
	contract.ErrVPSieUnknown, contract.ErrVPSieNotFound, contract.ErrVPSieUnauthorized,
	contract.ErrVPSieRateLimited, contract.ErrVPSieCapacityExhausted, contract.ErrVPSieInvalidRequest,
	contract.ErrVPSieTransient, contract.ErrVPSieCircuitOpen, contract.ErrVPSieBadEndpoint,
}

// Every VPSie kind, a new one included, fails an activity with exactly one contract
// error type of its own, so workflows can tell every kind apart.
func TestEveryVPSieKindMapsToOneContractErrorType(t *testing.T) {
	declared := map[string]bool{}
	for _, typ := range contractVPSieTypes {
		declared[typ] = true
	}
	kindOf := map[string]vpsie.Kind{}
	for _, k := range vpsie.Kinds() {
		m, ok := vpsieErrorTypes[k]
		switch {
		case !ok:
			t.Errorf("vpsie kind %s has no contract error type in vpsieErrorTypes", k)
			continue
		case !declared[m.typ]:
			t.Errorf("vpsie kind %s maps to %q, not a VPSie error type of workflows/contract", k, m.typ)
		}
		if other, dup := kindOf[m.typ]; dup {
			t.Errorf("vpsie kinds %s and %s both map to %q", other, k, m.typ)
		}
		kindOf[m.typ] = k

		var appErr *temporal.ApplicationError
		err := vpsieError("calling", &vpsie.APIError{Kind: k})
		if !errors.As(err, &appErr) || appErr.Type() != m.typ || appErr.NonRetryable() != m.nonRetryable {
			t.Errorf("vpsieError for kind %s = %v, want type %q, non-retryable %v", k, err, m.typ, m.nonRetryable)
		}
	}
	if len(vpsieErrorTypes) != len(vpsie.Kinds()) {
		t.Errorf("vpsieErrorTypes has %d entries for %d kinds", len(vpsieErrorTypes), len(vpsie.Kinds()))
	}
}

// The workflows' VPSie calls (vpsieCall) retry without limit, so a workflow only ever
// sees a non-retryable type, and any non-retryable type ends a billed operation's step.
// Exactly these two must reach the workflow.
func TestVPSieRetryClassificationIsWhatTheRetryPoliciesExpect(t *testing.T) {
	nonRetryable := map[string]string{
		contract.ErrVPSieCapacityExhausted: "ScaleUp tries the next placement",
		contract.ErrVPSieInvalidRequest:    "fails the same way on every attempt",
	}
	for k, m := range vpsieErrorTypes {
		if _, want := nonRetryable[m.typ]; m.nonRetryable != want {
			t.Errorf("kind %s (%s): non-retryable = %v, want %v", k, m.typ, m.nonRetryable, want)
		}
	}

	// A retryable failure hands the API's Retry-After to Temporal as the next delay.
	var appErr *temporal.ApplicationError
	err := vpsieError("listing", &vpsie.APIError{Kind: vpsie.KindRateLimited, RetryAfter: 7 * time.Second})
	if !errors.As(err, &appErr) || appErr.NonRetryable() || appErr.NextRetryDelay() != 7*time.Second {
		t.Errorf("rate limited: %v, want retryable with next delay 7s", err)
	}
	// An error that is not the client's is unknown, and retried.
	err = vpsieError("listing", errors.New("boom"))
	if !errors.As(err, &appErr) || appErr.Type() != contract.ErrVPSieUnknown || appErr.NonRetryable() {
		t.Errorf("plain error: %v, want retryable %s", err, contract.ErrVPSieUnknown)
	}
}
