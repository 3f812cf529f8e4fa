package vpsie_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestLoginSendsAnAwkwardSecretIntact(t *testing.T) {
	tests := []struct {
		name     string
		shape    vpsie.Shape
		encoding vpsie.LoginEncoding
	}{
		{"shape A form", vpsie.ShapeA, vpsie.LoginForm},
		{"shape B json", vpsie.ShapeB, vpsie.LoginJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envConfig{shape: tt.shape, client: func(o *vpsie.Options) { o.LoginEncoding = tt.encoding }})
			_, err := e.client.ListDatacenters(e.ctx())
			e.must(err)
			logins := e.calls(vpsiesim.OpLogin)
			if len(logins) != 1 || logins[0].Status != 200 {
				t.Fatalf("logins = %+v, want one accepted", logins)
			}
		})
	}
}

func TestWrongSecretIsUnauthorizedNotRetriedAndNotEchoed(t *testing.T) {
	inEachShape(t, envConfig{client: func(o *vpsie.Options) {
		o.Credentials.ClientSecret = "wrong-" + awkwardSecret
	}}, func(t *testing.T, e *env) {
		e.seen.add("wrong-" + awkwardSecret)
		_, err := e.client.ListDatacenters(e.ctx())
		e.check(err)
		if !errors.Is(err, vpsie.ErrUnauthorized) || vpsie.IsRetryable(err) {
			t.Fatalf("err = %v, want non-retryable unauthorized", err)
		}
		if strings.Contains(err.Error(), "invalid client credentials") {
			t.Fatalf("login error keeps the server's message: %v", err)
		}
		if n := len(e.calls(vpsiesim.OpLogin)); n != 1 {
			t.Fatalf("%d login calls, want 1", n)
		}
	})
}

// After the server expires the token (its clock jumps), 50 concurrent callers all get a 401; they must share one
// login and each resend once.
func TestConcurrentCallersShareOneLoginAfterServerSideExpiry(t *testing.T) {
	simClock := clocktesting.NewFakeClock(time.Now())
	e := newEnv(t, envConfig{shape: vpsie.ShapeA, sim: func(c *vpsiesim.Config) { c.Clock = simClock }})
	ctx := e.ctx()
	_, err := e.client.ListDatacenters(ctx)
	e.must(err)
	simClock.Step(2 * time.Hour)

	runConcurrently(t, 50, func() error { _, err := e.client.ListDatacenters(ctx); return e.check(err) })
	if n := e.sim.Snapshot().CallCount(vpsiesim.OpLogin); n != 2 {
		t.Fatalf("%d logins, want 2 (initial + one shared refresh)", n)
	}
	if n := e.sim.Snapshot().CallCount(vpsiesim.OpListDatacenters); n > 1+50*2 {
		t.Fatalf("%d list calls: more than one resend per caller", n)
	}
}

// After the token's own expiry passes, 50 concurrent callers refresh it before sending: one login, no 401.
func TestConcurrentCallersShareOneLoginAfterClientSideExpiry(t *testing.T) {
	// Expiries are whole RFC3339 seconds, so the refreshed token lives 3-4s and stays fresh (refresh at half
	// life) for all 50 callers even on a slow machine.
	e := newEnv(t, envConfig{shape: vpsie.ShapeB, sim: func(c *vpsiesim.Config) { c.TokenTTL = 4 * time.Second }})
	ctx := e.ctx()
	_, err := e.client.ListImages(ctx)
	e.must(err)
	time.Sleep(4100 * time.Millisecond) // past the token's expiry on both sides

	runConcurrently(t, 50, func() error { _, err := e.client.ListImages(ctx); return e.check(err) })
	st := e.sim.Snapshot()
	if n := st.CallCount(vpsiesim.OpLogin); n != 2 {
		t.Fatalf("%d logins, want 2 (initial + one shared refresh)", n)
	}
	for _, c := range st.Calls {
		if c.Status == 401 {
			t.Fatalf("a request was sent with an expired token: %+v", c)
		}
	}
}

func runConcurrently(t *testing.T, n int, f func() error) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			<-start
			errs <- f()
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent call failed: %v", err)
		}
	}
}

func TestCallerCancellationStopsWaitingForLogin(t *testing.T) {
	e := newEnv(t, envConfig{shape: vpsie.ShapeA, sim: func(c *vpsiesim.Config) {
		c.Faults.Endpoints = map[string]vpsiesim.EndpointFaults{vpsiesim.OpLogin: {HangRate: 1}}
		c.MaxHang = 2 * time.Second
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := e.client.ListImages(ctx)
	e.check(err)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the caller's deadline", err)
	}
}

// A failing login fails the call that needed it after one request: Temporal retries the call, and a login that
// retried on its own would multiply the requests.
func TestFailingLoginIsSentOnce(t *testing.T) {
	e := newEnv(t, envConfig{shape: vpsie.ShapeA, sim: func(c *vpsiesim.Config) {
		c.Faults.Endpoints = map[string]vpsiesim.EndpointFaults{vpsiesim.OpLogin: {ErrorRate: 1, ErrorStatus: 503}}
	}, client: func(o *vpsie.Options) { o.Breaker.ConsecutiveFailures = 100 }})
	_, err := e.client.ListImages(e.ctx())
	e.check(err)
	if !errors.Is(err, vpsie.ErrTransient) {
		t.Fatalf("err = %v, want transient", err)
	}
	if n := len(e.calls(vpsiesim.OpLogin)); n != 1 {
		t.Fatalf("%d login requests, want 1", n)
	}
	if n := len(e.calls(vpsiesim.OpListImages)); n != 0 {
		t.Fatalf("%d image listings sent without a token, want 0", n)
	}
}

func TestRotatedCredentialsAreReloadedAtLogin(t *testing.T) {
	var reloads atomic.Int32
	tests := []struct {
		name   string
		static string // the secret the client starts with
		reload func() (vpsie.Credentials, error)
	}{
		{name: "the reloaded secret replaces a stale one", static: "stale-secret",
			reload: func() (vpsie.Credentials, error) {
				return vpsie.Credentials{ClientID: "sim-client", ClientSecret: vpsie.Secret(awkwardSecret)}, nil
			}},
		{name: "a failed reload keeps the last good credentials", static: awkwardSecret,
			reload: func() (vpsie.Credentials, error) { return vpsie.Credentials{}, errors.New("secret unreadable") }},
		{name: "an incomplete reload keeps the last good credentials", static: awkwardSecret,
			reload: func() (vpsie.Credentials, error) { return vpsie.Credentials{ClientID: "sim-client"}, nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reloads.Store(0)
			e := newEnv(t, envConfig{shape: vpsie.ShapeA, client: func(o *vpsie.Options) {
				o.Credentials.ClientSecret = vpsie.Secret(tt.static)
				o.ReloadCredentials = func(context.Context) (vpsie.Credentials, error) {
					reloads.Add(1)
					return tt.reload()
				}
			}})
			_, err := e.client.ListDatacenters(e.ctx())
			e.must(err)
			if n := reloads.Load(); n != 1 {
				t.Fatalf("%d reloads for one login, want 1", n)
			}
		})
	}
}

// echoSecretOnImages answers image listings with a 400 whose message reflects the secret, as a careless server
// might.
func echoSecretOnImages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "image") {
			next.ServeHTTP(w, r)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":true,"message":"bad request for secret ` + awkwardSecret + `"}`))
	})
}

func TestARotatedSecretIsScrubbedFromServerMessages(t *testing.T) {
	e := newEnv(t, envConfig{shape: vpsie.ShapeA, wrap: echoSecretOnImages, client: func(o *vpsie.Options) {
		o.Credentials.ClientSecret = "stale-secret"
		o.ReloadCredentials = func(context.Context) (vpsie.Credentials, error) {
			return vpsie.Credentials{ClientID: "sim-client", ClientSecret: vpsie.Secret(awkwardSecret)}, nil
		}
	}})
	_, err := e.client.ListImages(e.ctx())
	if !errors.Is(e.check(err), vpsie.ErrInvalidRequest) {
		t.Fatalf("err = %v, want invalid request", err)
	}
	if strings.Contains(err.Error(), awkwardSecret) {
		t.Fatalf("the rotated secret is in the error: %v", err)
	}
}
