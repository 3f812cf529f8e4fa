package vpsie

import (
	"context"
	"errors"

	"golang.org/x/time/rate"
)

// limiter is the client-side rate limit (default 100 requests/minute, small burst), shared by all calls of a Client.
type limiter struct {
	l *rate.Limiter
	m *metrics
}

func newLimiter(perMinute float64, burst int, m *metrics) *limiter {
	return &limiter{l: rate.NewLimiter(rate.Limit(perMinute/60), burst), m: m}
}

// wait blocks until a request may be sent, reporting the wait to ctx's observer; a delayed request counts in
// rate_limited_total.
func (l *limiter) wait(ctx context.Context) error {
	r := l.l.Reserve()
	if !r.OK() {
		return errors.New("rate limiter: burst is zero")
	}
	d := r.Delay()
	if d == 0 {
		return nil
	}
	l.m.rateLimited.Inc()
	if err := sleep(ctx, d, waitRateLimiter); err != nil {
		r.Cancel()
		return err
	}
	return nil
}
