package vpsie

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

func TestRetryAfterAcceptsSecondsAndHTTPDate(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{"-3", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.header, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestRetryAfterReadsTheAPIErrorInTheChain(t *testing.T) {
	limited := &APIError{Kind: KindRateLimited, RetryAfter: 3 * time.Second}
	tests := []struct {
		name string
		err  error
		want time.Duration
	}{
		{"api error", limited, 3 * time.Second},
		{"wrapped api error", fmt.Errorf("listing vms: %w", limited), 3 * time.Second},
		{"api error without Retry-After", &APIError{Kind: KindTransient}, 0},
		{"other error", errors.New("boom"), 0},
		{"nil", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RetryAfter(tt.err); got != tt.want {
				t.Fatalf("RetryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTokenRefreshIsScheduledBeforeExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		lifetime time.Duration
		before   time.Duration
		wantAt   time.Duration
	}{
		{"long token refreshes RefreshBefore early", time.Hour, 5 * time.Minute, 55 * time.Minute},
		{"custom margin", time.Hour, 20 * time.Minute, 40 * time.Minute},
		{"short token refreshes at half its life", 2 * time.Minute, 5 * time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := newToken("t", now, now.Add(tt.lifetime), tt.before)
			if got := tok.refreshAt.Sub(now); got != tt.wantAt {
				t.Fatalf("refresh after %v, want %v", got, tt.wantAt)
			}
		})
	}
}

// A tiny unit test of the cache itself (the simulator-backed tests cover the real login).
func TestTokenSourceSharesOneLoginAfterExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var logins atomic.Int32
	src := &tokenSource{now: clock, login: func(context.Context) (token, error) {
		logins.Add(1)
		time.Sleep(10 * time.Millisecond) // let the other callers pile up
		n := clock()
		return newToken("tok", n, n.Add(time.Hour), 5*time.Minute), nil
	}}
	if _, err := src.get(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(56 * time.Minute) // inside the refresh margin
	mu.Unlock()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := src.get(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := logins.Load(); n != 2 {
		t.Fatalf("%d logins, want 2", n)
	}
	src.invalidate("not-the-current-token")
	if _, err := src.get(t.Context()); err != nil || logins.Load() != 2 {
		t.Fatalf("invalidating a stale token forced a login (logins=%d, err=%v)", logins.Load(), err)
	}
}

func TestDefaultOptionsPerShape(t *testing.T) {
	a, b := DefaultOptions(ShapeA), DefaultOptions(ShapeB)
	if a.BaseURL != "https://api.vpsie.com/v2" || a.LoginPath != "/auth/from/api" || a.LoginEncoding != LoginForm ||
		a.AuthHeader != AuthBearer {
		t.Errorf("shape A defaults = %s %s %s %s", a.BaseURL, a.LoginPath, a.LoginEncoding, a.AuthHeader)
	}
	if b.BaseURL != "https://api.vpsie.com" || b.LoginPath != "/apps/v2/auth/from/api" || b.LoginEncoding != LoginJSON ||
		b.AuthHeader != AuthVpsieAuth {
		t.Errorf("shape B defaults = %s %s %s %s", b.BaseURL, b.LoginPath, b.LoginEncoding, b.AuthHeader)
	}
	if a.RateLimit != 100 || a.RateBurst != 5 || a.Timeout != 30*time.Second || a.RefreshBefore != 5*time.Minute ||
		a.Breaker != DefaultBreakerPolicy() {
		t.Errorf("resilience defaults = %+v", a)
	}
}

func TestOptionsAreValidated(t *testing.T) {
	creds := Credentials{ClientID: "id", ClientSecret: "s"}
	plain := func(base string) Options { return Options{BaseURL: base, AllowPlainHTTP: true, Credentials: creds} }
	tests := []struct {
		name    string
		opts    Options
		wantErr string // "" accepts
	}{
		{"plain http without opt-in", Options{BaseURL: "http://127.0.0.1:1/v2", Credentials: creds}, "https is required"},
		{"relative url", Options{BaseURL: "/v2", Credentials: creds}, "not an absolute URL"},
		{"unknown login encoding", Options{LoginEncoding: "xml", Credentials: creds}, "login encoding"},
		{"unknown auth header", Options{AuthHeader: "X-Token", Credentials: creds}, "auth header"},
		{"no credentials", Options{}, "credentials"},
		{"plain http to another machine", plain("http://10.0.0.5/v2"),
			`AllowPlainHTTP: only allowed for a loopback base URL, got "http://10.0.0.5/v2"`},
		{"plain http opt-in with the real API", plain("https://api.vpsie.com"), "AllowPlainHTTP"},
		{"plain http opt-in with the default base URL", Options{AllowPlainHTTP: true, Credentials: creds},
			"AllowPlainHTTP"},
		{"plain http to 127.0.0.0/8", plain("http://127.1.2.3:8443/v2"), ""},
		{"plain http to ::1", plain("http://[::1]:8443"), ""},
		{"plain http to localhost", plain("http://localhost:8443/v2"), ""},
		{"https to a loopback simulator with the opt-in", plain("https://127.0.0.1:8444/v2"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestTokenExpiryFromTheServerSurvivesClockSkew(t *testing.T) {
	obtained := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		expires     string
		want        time.Time
		wantSkewed  bool
		wantFreshAt time.Duration // a token built from it is still fresh this long after the login
	}{
		{name: "server expiry ahead: taken as is", expires: "2026-11-22T12:30:00Z",
			want: obtained.Add(30 * time.Minute), wantFreshAt: 20 * time.Minute},
		{name: "no expiry: default lifetime", expires: "", want: obtained.Add(defaultTokenLifetime),
			wantFreshAt: 50 * time.Minute},
		{name: "expiry already past by our clock (we run ahead): default lifetime, not a login per call",
			expires: "2026-11-22T11:50:00Z", want: obtained.Add(defaultTokenLifetime), wantSkewed: true,
			wantFreshAt: 50 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, skewed := tokenExpiry(vpsieapi.Token{Token: "t", Expires: tt.expires}, obtained)
			if !got.Equal(tt.want) || skewed != tt.wantSkewed {
				t.Fatalf("expiry %v skewed %v, want %v %v", got, skewed, tt.want, tt.wantSkewed)
			}
			if tok := newToken("t", obtained, got, 5*time.Minute); !tok.fresh(obtained.Add(tt.wantFreshAt)) {
				t.Fatalf("token not fresh %v after login", tt.wantFreshAt)
			}
		})
	}
}

// The shared login runs for every caller waiting on it; only the callers report their wait, each to its own
// observer, never the login to the observer of the caller that happened to start it.
func TestSharedLoginReportsToNoCallersObserver(t *testing.T) {
	var mu sync.Mutex
	var got []string
	observe := func(what string) { mu.Lock(); defer mu.Unlock(); got = append(got, what) }
	src := &tokenSource{now: time.Now, login: func(ctx context.Context) (token, error) {
		waitObserverOf(ctx)("reported by the login")
		n := time.Now()
		return newToken("tok", n, n.Add(time.Hour), time.Minute), nil
	}}
	if _, err := src.get(WithWaitObserver(t.Context(), observe)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != waitLogin {
		t.Fatalf("reports %q, want only the caller's %q", got, waitLogin)
	}
}
