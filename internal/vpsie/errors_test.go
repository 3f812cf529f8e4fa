package vpsie_test

import (
	"errors"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestErrorsAreTypedByKind(t *testing.T) {
	tests := []struct {
		name      string
		sim       func(*vpsiesim.Config)
		call      func(e *env) error
		sentinel  error
		retryable bool
	}{
		{
			name:     "unknown vm is not found",
			call:     func(e *env) error { _, err := e.client.GetVM(e.ctx(), "no-such-vm"); return err },
			sentinel: vpsie.ErrNotFound,
		},
		{
			name: "unknown offering is an invalid request",
			call: func(e *env) error {
				req := createRequest("bad-1")
				req.OfferingID = "no-such-plan"
				_, err := e.client.CreateVM(e.ctx(), req)
				return err
			},
			sentinel: vpsie.ErrInvalidRequest,
		},
		{
			name: "full datacenter is capacity exhausted",
			sim:  func(c *vpsiesim.Config) { c.Capacity = map[string]vpsiesim.Capacity{"tor1": {VMs: 1}} },
			call: func(e *env) error {
				if _, err := e.client.CreateVM(e.ctx(), createRequest("fits-1")); err != nil {
					return err
				}
				_, err := e.client.CreateVM(e.ctx(), createRequest("full-1"))
				return err
			},
			sentinel: vpsie.ErrCapacityExhausted,
		},
		{
			name:      "server error is transient",
			sim:       faultAll(vpsiesim.OpListImages, vpsiesim.EndpointFaults{ErrorRate: 1, ErrorStatus: 503}),
			call:      func(e *env) error { _, err := e.client.ListImages(e.ctx()); return err },
			sentinel:  vpsie.ErrTransient,
			retryable: true,
		},
		{
			name:      "429 is rate limited",
			sim:       faultAll(vpsiesim.OpListImages, vpsiesim.EndpointFaults{RateLimitRate: 1}),
			call:      func(e *env) error { _, err := e.client.ListImages(e.ctx()); return err },
			sentinel:  vpsie.ErrRateLimited,
			retryable: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envConfig{shape: vpsie.ShapeA, sim: tt.sim})
			err := e.check(tt.call(e))
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("err = %v, want %v", err, tt.sentinel)
			}
			var apiErr *vpsie.APIError
			if !errors.As(err, &apiErr) || apiErr.Endpoint == "" || apiErr.Method == "" {
				t.Fatalf("err = %#v, want an *APIError naming its call", err)
			}
			if got := vpsie.IsRetryable(err); got != tt.retryable {
				t.Fatalf("IsRetryable = %v, want %v", got, tt.retryable)
			}
		})
	}
}

// faultAll injects f on one operation from the simulator's start.
func faultAll(op string, f vpsiesim.EndpointFaults) func(*vpsiesim.Config) {
	return func(c *vpsiesim.Config) {
		c.Faults.Endpoints = map[string]vpsiesim.EndpointFaults{op: f}
	}
}

// Kinds lists every kind once, each with a name of its own (the metric label): a new
// kind without a name fails here.
func TestEveryKindHasItsOwnName(t *testing.T) {
	seen := map[string]vpsie.Kind{}
	for i, k := range vpsie.Kinds() {
		if int(k) != i {
			t.Fatalf("Kinds()[%d] = %d", i, k)
		}
		name := k.String()
		if other, dup := seen[name]; name == "" || dup {
			t.Errorf("kind %d is named %q (kind %d too?)", k, name, other)
		}
		seen[name] = k
	}
}
