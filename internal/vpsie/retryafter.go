package vpsie

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// RetryAfter is the delay the server asked for with Retry-After on the failed call err comes from (a 429 or a
// 503), or 0 when it named none. The client never waits on it itself: an activity hands it to Temporal as the
// next retry's delay.
func RetryAfter(err error) time.Duration {
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
