package batcher

import (
	"context"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
)

func waitAsync[T comparable](b *Batcher[T], ctx context.Context) <-chan []T {
	done := make(chan []T, 1)
	go func() { done <- b.Wait(ctx) }()
	return done
}

// receive fails the test instead of hanging when Wait never returns. The limit is generous
// on purpose: it only turns a hang into a failure, it times nothing.
func receive[T any](t *testing.T, done <-chan T) T {
	t.Helper()
	select {
	case got := <-done:
		return got
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return")
		panic("unreachable")
	}
}

// stepTo moves the fake clock to at once Wait has armed its timer for every item added so
// far; stepping earlier could land between Wait reading the clock and arming the timer.
func stepTo[T comparable](t *testing.T, fc *clocktesting.FakeClock, b *Batcher[T], at time.Time) {
	t.Helper()
	for start := time.Now(); ; time.Sleep(time.Millisecond) {
		if pending, armed := armedForAll(b); !pending || armed && fc.HasWaiters() {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("Wait never armed its timer")
		}
	}
	fc.SetTime(at)
}

// armedForAll reports whether items wait and whether Wait's timer accounts for all of them.
// With nothing pending, Wait blocks on the trigger alone and the clock may move freely.
func armedForAll[T comparable](b *Batcher[T]) (pending, armed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.items) > 0, b.armedAt == b.added
}
