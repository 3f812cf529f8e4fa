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

// Every call sends its request once, whatever the answer: Temporal's retry policy is the one retry layer.
func TestEveryCallSendsOneRequest(t *testing.T) {
	tests := []struct {
		name     string
		sim      func(*vpsiesim.Config)
		call     func(e *env) error
		op       string
		wantKind vpsie.Kind
	}{
		{
			name: "list on 503",
			sim:  faultAll(vpsiesim.OpListImages, vpsiesim.EndpointFaults{ErrorRate: 1, ErrorStatus: 503}),
			call: func(e *env) error { _, err := e.client.ListImages(e.ctx()); return err },
			op:   vpsiesim.OpListImages, wantKind: vpsie.KindTransient,
		},
		{
			name: "get on 404",
			call: func(e *env) error { _, err := e.client.GetVM(e.ctx(), "42"); return err },
			op:   vpsiesim.OpGetVM, wantKind: vpsie.KindNotFound,
		},
		{
			name: "get on a lost answer",
			sim:  faultAll(vpsiesim.OpGetVM, vpsiesim.EndpointFaults{LostResponseRate: 1}),
			call: func(e *env) error { _, err := e.client.GetVM(e.ctx(), "42"); return err },
			op:   vpsiesim.OpGetVM, wantKind: vpsie.KindTransient,
		},
		{
			name: "list of vms on 429",
			sim:  faultAll(vpsiesim.OpListVMs, vpsiesim.EndpointFaults{RateLimitRate: 1}),
			call: func(e *env) error { _, err := e.client.ListVMs(e.ctx(), vpsie.VMFilter{}); return err },
			op:   vpsiesim.OpListVMs, wantKind: vpsie.KindRateLimited,
		},
		{
			name: "delete on 500",
			sim:  faultAll(vpsiesim.OpDeleteVM, vpsiesim.EndpointFaults{ErrorRate: 1}),
			call: func(e *env) error { return e.client.DeleteVM(e.ctx(), "42") },
			op:   vpsiesim.OpDeleteVM, wantKind: vpsie.KindTransient,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inEachShape(t, envConfig{sim: tt.sim}, func(t *testing.T, e *env) {
				err := e.check(tt.call(e))
				if vpsie.KindOf(err) != tt.wantKind {
					t.Fatalf("err = %v, want kind %v", err, tt.wantKind)
				}
				assertOnlyRequests(t, e, tt.op, 1)
			})
		})
	}
}

// imagesFaultEnv is an env in shape whose image listing meets f from the start; client, if set, adjusts the
// client's options.
func imagesFaultEnv(t *testing.T, shape vpsie.Shape, f vpsiesim.EndpointFaults, client func(*vpsie.Options)) *env {
	t.Helper()
	return newEnv(t, envConfig{shape: shape, sim: faultAll(vpsiesim.OpListImages, f), client: client})
}

// The client never waits out a Retry-After: it returns at once and hands the delay to the caller.
func TestRetryAfterIsSurfacedNotWaitedFor(t *testing.T) {
	e := imagesFaultEnv(t, vpsie.ShapeA,
		vpsiesim.EndpointFaults{RateLimitRate: 1, RetryAfter: vpsiesim.Duration(30 * time.Second)}, nil)
	ctx := e.ctx()
	_, err := e.client.ListDatacenters(ctx) // log in outside the measured window
	e.must(err)
	start := time.Now()
	_, err = e.client.ListImages(ctx)
	if !errors.Is(e.check(err), vpsie.ErrRateLimited) {
		t.Fatalf("err = %v, want rate limited", err)
	}
	if got := vpsie.RetryAfter(err); got != 30*time.Second {
		t.Fatalf("RetryAfter = %v, want the server's 30s", got)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Fatalf("returned after %v: the client waited on Retry-After itself", elapsed)
	}
	if n := len(e.calls(vpsiesim.OpListImages)); n != 1 {
		t.Fatalf("%d calls, want 1", n)
	}
}

func TestPerAttemptTimeoutIsATransientError(t *testing.T) {
	e := imagesFaultEnv(t, vpsie.ShapeB, vpsiesim.EndpointFaults{HangRate: 1}, func(o *vpsie.Options) {
		o.Timeout = 200 * time.Millisecond
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
		// Any failing share: this test is about the run of failures (the share has its own test below).
		o.Breaker = vpsie.BreakerPolicy{ConsecutiveFailures: 3, FailurePercent: 1, OpenTimeout: 300 * time.Millisecond}
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

// A run of failures amid mostly successful calls is a flaky API, not a down one: the circuit
// stays closed until half the window's calls have failed.
func TestFailuresInARowAmidSuccessesDoNotOpenTheCircuit(t *testing.T) {
	e := imagesFaultEnv(t, vpsie.ShapeA, vpsiesim.EndpointFaults{}, func(o *vpsie.Options) {
		o.Breaker = vpsie.BreakerPolicy{ConsecutiveFailures: 3, OpenTimeout: time.Hour, Window: time.Hour}
	})
	ctx := e.ctx()
	for range 10 {
		_, err := e.client.ListImages(ctx)
		e.must(err)
	}
	faults := vpsiesim.Faults{Endpoints: map[string]vpsiesim.EndpointFaults{vpsiesim.OpListImages: {ErrorRate: 1}}}
	if err := e.sim.SetFaults(faults); err != nil {
		t.Fatal(err)
	}
	// The 10 successes (and the login) must be matched by as many failures before it opens.
	failures := 0
	for ; failures < 30; failures++ {
		_, err := e.client.ListImages(ctx)
		if errors.Is(e.check(err), vpsie.ErrCircuitOpen) {
			break
		}
		if !errors.Is(err, vpsie.ErrTransient) {
			t.Fatalf("err = %v, want transient", err)
		}
	}
	if failures < 10 || failures > 11 {
		t.Fatalf("the circuit opened after %d failures in a row, want 10 or 11 (half of the calls)", failures)
	}
	assertMetric(t, e, "vpsie_autoscaler_vpsie_api_circuit_breaker_state 2")
}
