package vpsie

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// backoff is the wait before attempt n+1 (n counts from 1): initial * multiplier^(n-1), capped, then ± jitter.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := float64(p.InitialBackoff) * math.Pow(p.Multiplier, float64(n-1))
	d = math.Min(d, float64(p.MaxBackoff))
	if p.Jitter > 0 {
		d *= 1 + p.Jitter*(2*rand.Float64()-1)
	}
	return time.Duration(d)
}

// wait picks the delay before the next attempt: the server's Retry-After when it sent one (capped at MaxBackoff,
// so a hostile header cannot park us), else exponential backoff.
func (p RetryPolicy) wait(n int, err error) time.Duration {
	if ra := retryAfterOf(err); ra > 0 {
		return min(ra, p.MaxBackoff)
	}
	return p.backoff(n)
}

func retryAfterOf(err error) time.Duration {
	var e *APIError
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// parseRetryAfter accepts both forms of RFC 9110 Retry-After: delay-seconds and an HTTP-date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// sleep waits d or until ctx ends. It gives up at once when ctx's deadline falls before d: waiting could only end
// in a deadline error, and returning now leaves the caller (Temporal) its remaining time.
func sleep(ctx context.Context, d time.Duration) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return context.DeadlineExceeded
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
