package vpsie_test

import (
	"context"
	"maps"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
)

// reports counts what a wait observer was told, per wait.
type reports struct {
	mu  sync.Mutex
	got map[string]int
}

func (r *reports) observe(what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[what]++
}

func (r *reports) snapshot() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.got)
}

func TestWaitsBeforeARequestAreReportedToTheObserver(t *testing.T) {
	vpsie.SetObserveEvery(t, 20*time.Millisecond)
	tests := []struct {
		name       string
		loginDelay time.Duration
		perMinute  float64 // rate limit
		burst      int
		warm       bool // an unobserved call logs in (and takes the burst) first
		want       map[string]int
	}{
		{name: "a slow login", loginDelay: 150 * time.Millisecond, perMinute: 60000, burst: 100,
			want: map[string]int{"logging in": 3}},
		{name: "the rate limiter", perMinute: 300, burst: 1, warm: true, // 200 ms between requests
			want: map[string]int{"waiting for rate limiter": 3}},
		{name: "no wait: nothing reported", perMinute: 60000, burst: 100, warm: true, want: map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeAPI(t, vpsie.ShapeB, map[string]http.HandlerFunc{
				loginPattern(vpsie.ShapeB): func(w http.ResponseWriter, r *http.Request) {
					time.Sleep(tt.loginDelay)
					acceptLogin(w, r)
				},
				vmsPattern(vpsie.ShapeB, http.MethodGet): answer(http.StatusOK, `{"error":false,"data":[]}`),
			}, func(o *vpsie.Options) { o.RateLimit, o.RateBurst = tt.perMinute, tt.burst })
			if tt.warm {
				if _, err := c.ListVMs(t.Context(), vpsie.VMFilter{}); err != nil {
					t.Fatal(err)
				}
			}
			r := &reports{got: map[string]int{}}
			if _, err := c.ListVMs(vpsie.WithWaitObserver(t.Context(), r.observe), vpsie.VMFilter{}); err != nil {
				t.Fatal(err)
			}
			got := r.snapshot()
			for what, n := range got {
				if n < tt.want[what] || tt.want[what] == 0 {
					t.Fatalf("reports %v, want at least %v and nothing else", got, tt.want)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("reports %v, want at least %v", got, tt.want)
			}
			time.Sleep(60 * time.Millisecond)
			if after := r.snapshot(); !maps.Equal(after, got) {
				t.Fatalf("reported %v after the call returned (had %v)", after, got)
			}
		})
	}
}

// A call that gives up stops reporting, even while the login it waited for goes on.
func TestAnAbandonedWaitStopsReporting(t *testing.T) {
	vpsie.SetObserveEvery(t, 20*time.Millisecond)
	release := make(chan struct{})
	c := fakeAPI(t, vpsie.ShapeA, map[string]http.HandlerFunc{
		loginPattern(vpsie.ShapeA): func(http.ResponseWriter, *http.Request) { <-release },
	})
	t.Cleanup(func() { close(release) }) // before the server's Close, which waits for the handler
	r := &reports{got: map[string]int{}}
	ctx, cancel := context.WithTimeout(vpsie.WithWaitObserver(t.Context(), r.observe), 100*time.Millisecond)
	defer cancel()
	if _, err := c.ListImages(ctx); err == nil {
		t.Fatal("call succeeded while the login hangs")
	}
	got := r.snapshot()
	time.Sleep(100 * time.Millisecond)
	if after := r.snapshot(); got["logging in"] < 2 || !maps.Equal(after, got) {
		t.Fatalf("reports %v, then %v after the call gave up; want several, then no more", got, after)
	}
}
