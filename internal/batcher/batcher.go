package batcher

import (
	"context"
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Batcher collects distinct items until no new one has arrived for the idle duration, or the
// max duration has passed since the first one, whichever comes first. The idle window lets a
// burst finish; the max window bounds how long the first item waits during a steady trickle.
// Any number of goroutines may Add; one goroutine calls Wait at a time.
type Batcher[T comparable] struct {
	clock     clock.Clock
	idle, max time.Duration
	// trigger holds a token while items wait that Wait has not yet seen: Add puts one there
	// and take removes it, both under mu, so a token never outlives its batch.
	trigger chan struct{}

	mu          sync.Mutex
	items       []T
	seen        map[T]struct{}
	first, last time.Time
	// added counts Adds of new items; armed and armedAt record the deadline of Wait's timer
	// and how many Adds it had seen, so a test knows when stepping a fake clock is safe.
	added, armedAt int
	armed          time.Time
}

// New returns an empty batcher that reads time from c, so tests can drive it with a fake clock.
func New[T comparable](idle, max time.Duration, c clock.Clock) *Batcher[T] {
	return &Batcher[T]{
		clock: c, idle: idle, max: max,
		trigger: make(chan struct{}, 1),
		seen:    map[T]struct{}{},
	}
}

// Add puts item in the current batch and reports whether it was new. An item already in the
// batch is ignored and does not extend the idle window: a pod re-observed on every status
// update is not a new arrival, and letting it count would hold the batch open until max.
func (b *Batcher[T]) Add(item T) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.seen[item]; dup {
		return false
	}
	now := b.clock.Now()
	if len(b.items) == 0 {
		b.first = now
	}
	b.last = now
	b.added++
	b.seen[item] = struct{}{}
	b.items = append(b.items, item)
	select {
	case b.trigger <- struct{}{}:
	default: // a token is already waiting; Wait will see this item with it
	}
	return true
}

// Wait blocks until a batch is complete and returns its items in arrival order. When ctx ends
// first it returns nil and keeps the items, so the next Wait still sees them.
func (b *Batcher[T]) Wait(ctx context.Context) []T {
	for {
		deadline, seen, pending := b.deadline()
		if !pending {
			if !b.sleep(ctx, nil) {
				return nil
			}
			continue
		}
		wait := deadline.Sub(b.clock.Now())
		if wait <= 0 {
			return b.take()
		}
		timer := b.clock.NewTimer(wait)
		b.arm(deadline, seen)
		woke := b.sleep(ctx, timer.C())
		timer.Stop()
		if !woke {
			return nil
		}
	}
}

// deadline is when the current batch completes, recomputed on every wake-up from the
// arrival times, so a wake-up for any reason (new item, timer) converges on the right answer.
func (b *Batcher[T]) deadline() (deadline time.Time, added int, pending bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	idle, max := b.last.Add(b.idle), b.first.Add(b.max)
	if max.Before(idle) {
		idle = max
	}
	return idle, b.added, len(b.items) > 0
}

// sleep returns true on a new item or timeout, false when ctx ends.
func (b *Batcher[T]) sleep(ctx context.Context, timeout <-chan time.Time) bool {
	select {
	case <-b.trigger:
	case <-timeout:
	case <-ctx.Done():
		return false
	}
	return true
}

func (b *Batcher[T]) arm(deadline time.Time, added int) {
	b.mu.Lock()
	b.armed, b.armedAt = deadline, added
	b.mu.Unlock()
}

func (b *Batcher[T]) take() []T {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.items
	b.items, b.seen = nil, map[T]struct{}{}
	select {
	case <-b.trigger:
	default:
	}
	return out
}
