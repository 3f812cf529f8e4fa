package vpsie_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// Every test's env checks logs, metrics and errors for the secret and every token at cleanup; this one drives the
// paths most likely to leak (token refresh after 401, faults, timeouts, failed logins) and makes sure the check
// had something to look for.
func TestNoSecretOrTokenLeaksOnFailurePaths(t *testing.T) {
	for _, shape := range shapes {
		t.Run("shape "+shape.String(), func(t *testing.T) {
			simClock := clocktesting.NewFakeClock(time.Now())
			e := newEnv(t, envConfig{shape: shape,
				sim: func(c *vpsiesim.Config) {
					c.Clock = simClock
					c.Capacity = map[string]vpsiesim.Capacity{"tor1": {VMs: 1}}
				},
				client: func(o *vpsie.Options) { o.Timeout = 300 * time.Millisecond },
			})
			ctx := e.ctx()
			_, err := e.client.CreateVM(ctx, createRequest("leak-1"))
			e.must(err)
			_, err = e.client.CreateVM(ctx, createRequest("leak-2"))
			if !errors.Is(e.check(err), vpsie.ErrCapacityExhausted) {
				t.Fatalf("err = %v, want capacity exhausted", err)
			}
			simClock.Step(2 * time.Hour) // server-side expiry: 401, refresh, resend
			_, err = e.client.ListVMs(ctx, vpsie.VMFilter{Tags: []string{"x"}})
			e.must(err)
			e.must(e.sim.SetFaults(vpsiesim.Faults{Default: vpsiesim.EndpointFaults{ErrorRate: 0.5, HangRate: 0.2,
				RateLimitRate: 0.2}}))
			for range 5 {
				_, err = e.client.ListOfferings(ctx, "")
				e.check(err)
			}
			e.must(e.sim.SetFaults(vpsiesim.Faults{}))

			bad := e.opts
			bad.Credentials.ClientSecret = vpsie.Secret(awkwardSecret + "x")
			e.seen.add(awkwardSecret + "x")
			badClient, err := vpsie.New(bad)
			e.must(err)
			_, err = badClient.ListImages(ctx)
			if !errors.Is(e.check(err), vpsie.ErrUnauthorized) {
				t.Fatalf("err = %v, want unauthorized", err)
			}

			if n := len(e.seen.list()); n < 4 {
				t.Fatalf("only %d secrets and tokens recorded: the leak check would be vacuous", n)
			}
			if logs := e.logs.String(); !strings.Contains(logs, "vpsie login") || !strings.Contains(logs, "failed") {
				t.Fatalf("expected login and failure logs, got:\n%s", logs)
			}
		})
	}
}
