package vpsiesim_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// statuses makes n sequential list calls and returns their statuses.
func statuses(h *harness, token string, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = h.do(request{method: "GET", path: "/v2/vm", header: bearer(token)}).status
	}
	return out
}

func TestErrorRateIsDeterministicForASeed(t *testing.T) {
	faults := vpsiesim.Faults{Endpoints: map[string]vpsiesim.EndpointFaults{
		vpsiesim.OpListVMs: {ErrorRate: 0.3, ErrorStatus: 503}}}
	run := func(seed int64) []int {
		h := newHarness(t, func(c *vpsiesim.Config) { c.Seed = seed })
		token := h.loginA() // login has no faults: only list_vms does
		if err := h.sim.SetFaults(faults); err != nil {
			t.Fatal(err)
		}
		return statuses(h, token, 200)
	}
	first, again, other := run(7), run(7), run(8)
	if !slices.Equal(first, again) {
		t.Fatal("same seed gave different fault sequences")
	}
	if slices.Equal(first, other) {
		t.Fatal("different seeds gave the same fault sequence")
	}
	failed := 0
	for _, s := range first {
		switch s {
		case 503:
			failed++
		case 200:
		default:
			t.Fatalf("unexpected status %d", s)
		}
	}
	if failed < 30 || failed > 90 {
		t.Fatalf("%d of 200 calls failed, want about 60", failed)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	resp := h.do(request{method: "PUT", path: "/admin/faults", json: vpsiesim.Faults{
		Default: vpsiesim.EndpointFaults{RateLimitRate: 1, RetryAfter: vpsiesim.Duration(3 * time.Second)}}})
	if resp.status != 200 {
		t.Fatalf("PUT /admin/faults: %d %s", resp.status, resp.body)
	}
	resp = h.do(request{method: "GET", path: "/v2/vm", header: bearer(token)})
	if e := resp.errorBody(t); resp.status != 429 || e.Reason != vpsieapi.ReasonRateLimited {
		t.Fatalf("got %d %s", resp.status, resp.body)
	}
	if got := resp.header.Get("Retry-After"); got != "3" {
		t.Fatalf("Retry-After = %q, want 3", got)
	}
}

func TestFaultsAreValidated(t *testing.T) {
	h := newHarness(t)
	for _, f := range []vpsiesim.Faults{
		{Default: vpsiesim.EndpointFaults{ErrorRate: 1.5}},
		{Default: vpsiesim.EndpointFaults{ErrorStatus: 404}},
		{Endpoints: map[string]vpsiesim.EndpointFaults{"no_such_op": {}}},
	} {
		resp := h.do(request{method: "PUT", path: "/admin/faults", json: f})
		if e := resp.errorBody(t); resp.status != 400 || e.Field != "faults" {
			t.Errorf("faults %+v accepted: %d %s", f, resp.status, resp.body)
		}
	}
}

func TestHangingRequestLastsUntilTheClientGivesUp(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	if err := h.sim.SetFaults(vpsiesim.Faults{Endpoints: map[string]vpsiesim.EndpointFaults{
		vpsiesim.OpGetVM: {HangRate: 1}}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.srv.URL+"/v2/vm/1", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := h.srv.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("hanging request answered %d", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the client's deadline", err)
	}
	// Other operations are unaffected.
	if got := h.do(request{method: "GET", path: "/v2/vm", header: bearer(token)}); got.status != 200 {
		t.Fatalf("list during hang fault: %d", got.status)
	}
}

func TestLatencyDelaysTheAnswer(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	if err := h.sim.SetFaults(vpsiesim.Faults{Default: vpsiesim.EndpointFaults{
		Latency: vpsiesim.Duration(150 * time.Millisecond)}}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if got := h.do(request{method: "GET", path: "/v2/vm", header: bearer(token)}); got.status != 200 {
		t.Fatalf("status %d", got.status)
	}
	// Only a lower bound: the machine may be slow, never fast.
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Fatalf("answered after %v, want at least 150ms", elapsed)
	}
}

func TestBootFailureRateIsDeterministicForASeed(t *testing.T) {
	run := func() []string {
		h := newHarness(t, func(c *vpsiesim.Config) {
			c.Seed = 42
			c.Faults.BootFailureRate = 0.5
		})
		token := h.loginA()
		var ids []string
		for _, name := range []string{"n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"} {
			ids = append(ids, h.createA(token, vmReq(name)).Identifier)
		}
		h.clock.Step(bootDelay)
		var out []string
		for _, id := range ids {
			vm, _ := h.getA(token, id)
			out = append(out, vm.Status)
		}
		return out
	}
	first, again := run(), run()
	if !slices.Equal(first, again) {
		t.Fatalf("same seed, different boot outcomes: %v vs %v", first, again)
	}
	if !slices.Contains(first, vpsieapi.StatusFailed) || !slices.Contains(first, vpsieapi.StatusRunning) {
		t.Fatalf("50%% failure rate over 8 boots gave %v", first)
	}
}

func TestLostResponseCarriesTheCreateOutButAnswers502(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	if err := h.sim.SetFaults(vpsiesim.Faults{Endpoints: map[string]vpsiesim.EndpointFaults{
		vpsiesim.OpCreateVM: {LostResponseRate: 1}}}); err != nil {
		t.Fatal(err)
	}
	resp := h.do(request{method: "POST", path: vpsieapi.PrefixA + vpsieapi.PathAVMs, header: bearer(token),
		json: vmReq("lost-1")})
	if resp.status != http.StatusBadGateway {
		t.Fatalf("create answered %d %s, want 502", resp.status, resp.body)
	}
	st := h.sim.Snapshot()
	if st.Creates("lost-1") != 1 || len(st.VMsByHostname("lost-1")) != 1 {
		t.Fatalf("creates = %d, vms = %d; the lost create must still have happened once",
			st.Creates("lost-1"), len(st.VMsByHostname("lost-1")))
	}
	if _, status := h.getA(token, st.VMsByHostname("lost-1")[0].Identifier); status != http.StatusOK {
		t.Fatalf("get of the created vm: %d (get has no faults)", status)
	}
}

func TestLostResponseRateIsValidated(t *testing.T) {
	h := newHarness(t)
	err := h.sim.SetFaults(vpsiesim.Faults{Default: vpsiesim.EndpointFaults{LostResponseRate: 1.5}})
	if err == nil {
		t.Fatal("lost_response_rate 1.5 accepted")
	}
}

func TestStartupFaultsSeedReseedsTheRNG(t *testing.T) {
	faults := vpsiesim.Faults{Seed: 7, Endpoints: map[string]vpsiesim.EndpointFaults{
		vpsiesim.OpListVMs: {ErrorRate: 0.5, ErrorStatus: 503}}}
	// A static token keeps logins, which draw from the RNG too, out of the sequences.
	withToken := func(c *vpsiesim.Config) { c.StaticTokens, c.Seed = []string{"static"}, 1 }

	viaSetFaults := newHarness(t, withToken)
	if err := viaSetFaults.sim.SetFaults(faults); err != nil {
		t.Fatal(err)
	}
	want := statuses(viaSetFaults, "static", 100)

	viaConfig := newHarness(t, withToken, func(c *vpsiesim.Config) { c.Faults = faults })
	if got := statuses(viaConfig, "static", 100); !slices.Equal(got, want) {
		t.Fatalf("faults with seed 7 in Config gave another sequence than SetFaults with seed 7:\n%v\n%v", got, want)
	}
	viaConfig.sim.Reset()
	if got := statuses(viaConfig, "static", 100); !slices.Equal(got, want) {
		t.Fatalf("after Reset, faults with seed 7 in Config gave another sequence:\n%v\n%v", got, want)
	}
}
