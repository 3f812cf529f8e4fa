package vpsie_test

import (
	"fmt"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// With about 20 % of the VM requests failing (10 % 500, 10 % 429, seeded) and 20 % of the creates carried out
// with their answer lost (502), every call still sends exactly one request, every failure is retryable, every
// 429 hands its Retry-After to the caller, and no hostname is created twice.
func TestEveryCallUnderInjectedFaultsSendsOneRequest(t *testing.T) {
	const n = 10
	vmFaults := vpsiesim.EndpointFaults{ErrorRate: 0.1, RateLimitRate: 0.1}
	createFaults := vmFaults
	createFaults.LostResponseRate = 0.2
	cfg := envConfig{
		sim: func(c *vpsiesim.Config) {
			c.Seed = 20
			c.Faults.Endpoints = map[string]vpsiesim.EndpointFaults{vpsiesim.OpCreateVM: createFaults,
				vpsiesim.OpGetVM: vmFaults, vpsiesim.OpListVMs: vmFaults, vpsiesim.OpDeleteVM: vmFaults}
		},
		// Count requests, not circuit-open rejections.
		client: func(o *vpsie.Options) { o.Breaker.ConsecutiveFailures = 1000 },
	}
	inEachShape(t, cfg, func(t *testing.T, e *env) {
		calls := map[string]int{}
		failed := 0
		call := func(op string, err error) {
			calls[op]++
			if e.check(err) == nil {
				return
			}
			failed++
			if !vpsie.IsRetryable(err) {
				t.Fatalf("%s: err = %v, want a retryable injected failure", op, err)
			}
			if vpsie.KindOf(err) == vpsie.KindRateLimited && vpsie.RetryAfter(err) <= 0 {
				t.Fatalf("%s: a 429 without its Retry-After: %v", op, err)
			}
		}
		ctx, tag := e.ctx(), "cluster:faulty"
		for i := range n {
			vm, err := e.client.CreateVM(ctx, createRequest(fmt.Sprintf("faulty-%d", i), tag))
			call(vpsiesim.OpCreateVM, err)
			if vm.Identifier == "" {
				continue
			}
			_, err = e.client.GetVM(ctx, vm.Identifier)
			call(vpsiesim.OpGetVM, err)
			call(vpsiesim.OpDeleteVM, e.client.DeleteVM(ctx, vm.Identifier))
		}
		for range n {
			_, err := e.client.ListVMs(ctx, vpsie.VMFilter{Tags: []string{tag}})
			call(vpsiesim.OpListVMs, err)
		}

		st := e.sim.Snapshot()
		for op, want := range calls {
			if got := st.CallCount(op); got != want {
				t.Errorf("%d %s requests for %d calls, want one each", got, op, want)
			}
		}
		if d := st.Duplicates(); len(d) > 0 {
			t.Fatalf("hostnames created more than once: %v", d)
		}
		lostCreates := 0
		for _, c := range st.Calls {
			if c.Op == vpsiesim.OpCreateVM && c.Status == 502 {
				lostCreates++
			}
		}
		t.Logf("shape %s: %d calls, %d failed by injection, %d creates carried out with the answer lost",
			e.opts.Shape, len(st.Calls)-st.CallCount(vpsiesim.OpLogin), failed, lostCreates)
		if failed == 0 || lostCreates == 0 {
			t.Fatal("no faults or no lost create were injected (seed changed?): the test proves nothing")
		}
	})
}
