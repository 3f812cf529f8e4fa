package vpsie_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestRetriesOnlyTransientFailuresOfSafeCalls(t *testing.T) {
	tests := []struct {
		name    string
		sim     func(*vpsiesim.Config)
		client  func(*vpsie.Options)
		call    func(e *env) error
		op      string
		wantOps int
	}{
		{
			name: "GET on 503 is retried up to MaxAttempts",
			sim:  faultAll(vpsiesim.OpListImages, vpsiesim.EndpointFaults{ErrorRate: 1, ErrorStatus: 503}),
			call: func(e *env) error { _, err := e.client.ListImages(e.ctx()); return err },
			op:   vpsiesim.OpListImages, wantOps: 4,
		},
		{
			name:   "GET on 503 is sent once without retries",
			sim:    faultAll(vpsiesim.OpListImages, vpsiesim.EndpointFaults{ErrorRate: 1, ErrorStatus: 503}),
			client: noRetries,
			call:   func(e *env) error { _, err := e.client.ListImages(e.ctx()); return err },
			op:     vpsiesim.OpListImages, wantOps: 1,
		},
		{
			name: "GET on 404 is not retried",
			call: func(e *env) error { _, err := e.client.GetVM(e.ctx(), "42"); return err },
			op:   vpsiesim.OpGetVM, wantOps: 1,
		},
		{
			name: "failing create posts MaxAttempts times, each after a lookup",
			sim:  faultAll(vpsiesim.OpCreateVM, vpsiesim.EndpointFaults{ErrorRate: 1}),
			call: func(e *env) error { _, err := e.client.CreateVM(e.ctx(), createRequest("r-1")); return err },
			op:   vpsiesim.OpCreateVM, wantOps: 4,
		},
		{
			name:   "failing create posts once without retries",
			sim:    faultAll(vpsiesim.OpCreateVM, vpsiesim.EndpointFaults{ErrorRate: 1}),
			client: noRetries,
			call:   func(e *env) error { _, err := e.client.CreateVM(e.ctx(), createRequest("r-1")); return err },
			op:     vpsiesim.OpCreateVM, wantOps: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envConfig{shape: vpsie.ShapeA, sim: tt.sim, client: tt.client})
			if e.check(tt.call(e)) == nil {
				t.Fatal("call succeeded, want an error")
			}
			if n := len(e.calls(tt.op)); n != tt.wantOps {
				t.Fatalf("%d %s calls, want %d", n, tt.op, tt.wantOps)
			}
			assertEveryCreateFollowsALookup(t, e)
		})
	}
}

// assertEveryCreateFollowsALookup: the client never POSTs a create twice without looking the hostname up between.
func assertEveryCreateFollowsALookup(t *testing.T, e *env) {
	t.Helper()
	lookedUp := false
	for _, c := range e.sim.Snapshot().Calls {
		switch c.Op {
		case vpsiesim.OpListVMs:
			lookedUp = true
		case vpsiesim.OpCreateVM:
			if !lookedUp {
				t.Fatalf("create of %q sent without a lookup before it", c.Hostname)
			}
			lookedUp = false
		}
	}
}

func TestAmbiguousCreateFailureFindsTheVMInsteadOfPostingAgain(t *testing.T) {
	for _, shape := range shapes {
		for _, retries := range []bool{true, false} {
			name := "shape " + shape.String() + " retries " + map[bool]string{true: "on", false: "off"}[retries]
			t.Run(name, func(t *testing.T) {
				// Every create is carried out and its answer lost (502): the ambiguous failure a timeout or a
				// proxy error produces.
				cfg := envConfig{shape: shape,
					sim: faultAll(vpsiesim.OpCreateVM, vpsiesim.EndpointFaults{LostResponseRate: 1})}
				if !retries {
					cfg.client = noRetries
				}
				e := newEnv(t, cfg)
				vm, err := e.client.CreateVM(e.ctx(), createRequest("amb-1"))
				e.must(err)
				if vm.Hostname != "amb-1" || vm.Identifier == "" {
					t.Fatalf("vm = %+v", vm)
				}
				st := e.sim.Snapshot()
				if st.Creates("amb-1") != 1 || st.CallCount(vpsiesim.OpCreateVM) != 1 {
					t.Fatalf("creates = %d, create calls = %d; want 1 and 1", st.Creates("amb-1"),
						st.CallCount(vpsiesim.OpCreateVM))
				}
			})
		}
	}
}

// imagesFaultEnv is an env in shape whose image listing meets f from the start; client, if set, adjusts the
// client's options.
func imagesFaultEnv(t *testing.T, shape vpsie.Shape, f vpsiesim.EndpointFaults, client func(*vpsie.Options)) *env {
	t.Helper()
	return newEnv(t, envConfig{shape: shape, sim: faultAll(vpsiesim.OpListImages, f), client: client})
}

func TestRetryAfterIsHonoured(t *testing.T) {
	e := imagesFaultEnv(t, vpsie.ShapeA,
		vpsiesim.EndpointFaults{RateLimitRate: 1, RetryAfter: vpsiesim.Duration(time.Second)},
		func(o *vpsie.Options) {
			o.Retry = vpsie.DefaultRetryPolicy()
			o.Retry.MaxAttempts = 2
		})
	ctx := e.ctx()
	_, err := e.client.ListDatacenters(ctx) // log in outside the measured window
	e.must(err)
	start := time.Now()
	_, err = e.client.ListImages(ctx)
	if !errors.Is(e.check(err), vpsie.ErrRateLimited) {
		t.Fatalf("err = %v, want rate limited", err)
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Fatalf("retried after %v, before the server's Retry-After of 1s", elapsed)
	}
	if n := len(e.calls(vpsiesim.OpListImages)); n != 2 {
		t.Fatalf("%d calls, want 2", n)
	}
}

func TestPerAttemptTimeoutIsATransientError(t *testing.T) {
	e := imagesFaultEnv(t, vpsie.ShapeB, vpsiesim.EndpointFaults{HangRate: 1}, func(o *vpsie.Options) {
		o.Timeout = 200 * time.Millisecond
		noRetries(o)
	})
	_, err := e.client.ListImages(e.ctx())
	e.check(err)
	if !errors.Is(err, vpsie.ErrTransient) || !errors.Is(err, context.DeadlineExceeded) || !vpsie.IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable transient deadline error", err)
	}
}

func TestCallerCancellationIsNotAnAPIError(t *testing.T) {
	e := imagesFaultEnv(t, vpsie.ShapeA, vpsiesim.EndpointFaults{HangRate: 1}, nil)
	_, err := e.client.ListDatacenters(e.ctx())
	e.must(err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = e.client.ListImages(ctx)
	e.check(err)
	if !errors.Is(err, context.Canceled) || vpsie.IsRetryable(err) {
		t.Fatalf("err = %v, want a non-retryable cancellation", err)
	}
}

func TestCircuitBreakerOpensOnTransientFailuresAndRecovers(t *testing.T) {
	e := imagesFaultEnv(t, vpsie.ShapeA, vpsiesim.EndpointFaults{ErrorRate: 1}, func(o *vpsie.Options) {
		noRetries(o)
		o.Breaker = vpsie.BreakerPolicy{ConsecutiveFailures: 3, OpenTimeout: 300 * time.Millisecond}
	})
	ctx := e.ctx()
	for range 5 { // 404s prove the API is up: they never open the circuit
		_, err := e.client.GetVM(ctx, "404")
		if !errors.Is(e.check(err), vpsie.ErrNotFound) {
			t.Fatalf("err = %v, want not found", err)
		}
	}
	for range 3 {
		_, err := e.client.ListImages(ctx)
		if !errors.Is(e.check(err), vpsie.ErrTransient) {
			t.Fatalf("err = %v, want transient", err)
		}
	}
	_, err := e.client.ListImages(ctx)
	if !errors.Is(e.check(err), vpsie.ErrCircuitOpen) || !vpsie.IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable open circuit", err)
	}
	if n := len(e.calls(vpsiesim.OpListImages)); n != 3 {
		t.Fatalf("%d requests sent, want 3: an open circuit sends none", n)
	}
	assertMetric(t, e, "vpsie_autoscaler_vpsie_api_circuit_breaker_state 2")

	if err := e.sim.SetFaults(vpsiesim.Faults{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(350 * time.Millisecond) // past OpenTimeout: the next call is the half-open probe
	_, err = e.client.ListImages(ctx)
	e.must(err)
	assertMetric(t, e, "vpsie_autoscaler_vpsie_api_circuit_breaker_state 0")
}

func TestRateLimiterSpacesRequests(t *testing.T) {
	e := newEnv(t, envConfig{shape: vpsie.ShapeB, client: func(o *vpsie.Options) {
		o.RateLimit, o.RateBurst = 120, 1 // one request per 500ms
	}})
	ctx := e.ctx()
	start := time.Now()
	for range 2 { // login + 2 lists = 3 requests: the third cannot start before 1s
		_, err := e.client.ListImages(ctx)
		e.must(err)
	}
	if elapsed := time.Since(start); elapsed < 950*time.Millisecond {
		t.Fatalf("3 requests at 2/s took %v", elapsed)
	}
	if n := metricValue(t, e, "vpsie_autoscaler_vpsie_api_rate_limited_total"); n < 1 {
		t.Fatalf("rate_limited_total = %v, want delayed requests counted", n)
	}
}

// metricValue reads one unlabelled sample from the gathered text.
func metricValue(t *testing.T, e *env, name string) float64 {
	t.Helper()
	for _, line := range strings.Split(e.metricsText(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric %s: %v", name, err)
			}
			return f
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

func assertMetric(t *testing.T, e *env, line string) {
	t.Helper()
	if text := e.metricsText(); !strings.Contains(text, line+"\n") {
		t.Fatalf("metrics lack %q:\n%s", line, text)
	}
}

// stallImagesBody answers image listings with headers and half a body, then waits for the client to give up.
func stallImagesBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "image") {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"data": [`))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
}

func TestCallerGivingUpMidBodyDoesNotOpenTheCircuit(t *testing.T) {
	e := newEnv(t, envConfig{shape: vpsie.ShapeA, wrap: stallImagesBody, client: func(o *vpsie.Options) {
		o.Breaker = vpsie.BreakerPolicy{ConsecutiveFailures: 2, OpenTimeout: time.Hour}
	}})
	_, err := e.client.ListDatacenters(e.ctx()) // log in first
	e.must(err)
	for range 4 {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		_, err := e.client.ListImages(ctx)
		cancel()
		if !errors.Is(e.check(err), context.DeadlineExceeded) || vpsie.KindOf(err) == vpsie.KindTransient {
			t.Fatalf("err = %v (kind %v), want the caller's deadline, not a transient API failure", err,
				vpsie.KindOf(err))
		}
	}
	if _, err := e.client.ListDatacenters(e.ctx()); err != nil {
		t.Fatalf("after 4 abandoned calls the API is unusable: %v", e.check(err))
	}
}
