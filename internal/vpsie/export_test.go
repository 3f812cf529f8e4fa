package vpsie

import (
	"testing"
	"time"
)

// SetObserveEvery makes waits report again every d instead of every second, for the rest of the test.
func SetObserveEvery(t testing.TB, d time.Duration) {
	old := observeEvery
	observeEvery = d
	t.Cleanup(func() { observeEvery = old })
}
