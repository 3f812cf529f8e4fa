package vpsie

import (
	"context"
	"time"
)

// What a call tells its wait observer it is waiting for.
const (
	waitRateLimiter = "waiting for rate limiter"
	waitLogin       = "logging in"
)

// observeEvery is how often a wait in progress is reported again; a variable so tests need not wait seconds.
var observeEvery = time.Second

type waitObserverKey struct{}

// WithWaitObserver returns a context under which the client reports every wait that holds a call back before
// its request is sent (the rate limiter: "waiting for rate limiter"; a login: "logging in") to observe, once when
// the wait starts and then about every second while it lasts. A Temporal activity passes a function that records
// a heartbeat, so a call held back by the client does not look like a hung activity. observe runs on the calling
// goroutine and only while the call is in progress.
func WithWaitObserver(ctx context.Context, observe func(what string)) context.Context {
	return context.WithValue(ctx, waitObserverKey{}, observe)
}

// withoutWaitObserver is for work shared by several calls (the login): only the calls waiting for it report,
// each to its own observer, never the shared work to the observer of whichever call started it.
func withoutWaitObserver(ctx context.Context) context.Context {
	return context.WithValue(ctx, waitObserverKey{}, (func(string))(nil))
}

func waitObserverOf(ctx context.Context) func(string) {
	if observe, _ := ctx.Value(waitObserverKey{}).(func(string)); observe != nil {
		return observe
	}
	return func(string) {}
}

// waitFor blocks until ch delivers or ctx ends, reporting what it waits for to ctx's observer at the start and
// every observeEvery.
func waitFor[T any](ctx context.Context, what string, ch <-chan T) (T, error) {
	observe := waitObserverOf(ctx)
	observe(what)
	tick := time.NewTicker(observeEvery)
	defer tick.Stop()
	for {
		select {
		case v := <-ch:
			return v, nil
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		case <-tick.C:
			observe(what)
		}
	}
}

// sleep waits d or until ctx ends, reporting the wait as what. It gives up at once when ctx's deadline falls
// before d: waiting could only end in a deadline error, and returning now leaves the caller (Temporal) its
// remaining time.
func sleep(ctx context.Context, d time.Duration, what string) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return context.DeadlineExceeded
	}
	t := time.NewTimer(d)
	defer t.Stop()
	_, err := waitFor(ctx, what, t.C)
	return err
}
