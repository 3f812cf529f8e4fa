package scaleup

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
)

// backoff is the runaway guard: nodes that fail to boot, join or get ready pause their
// NodeGroup for min, doubling up to max; a node that becomes Ready resets it. It is in memory:
// a restarted controller starts without a pause, which costs at most one more batch.
type backoff struct {
	mu    sync.Mutex
	clock clock.Clock
	min   time.Duration
	max   time.Duration
	state map[types.NamespacedName]*groupBackoff
}

type groupBackoff struct {
	failures int
	until    time.Time
	reason   string
}

func newBackoff(c clock.Clock, min, max time.Duration) *backoff {
	return &backoff{clock: c, min: min, max: max, state: map[types.NamespacedName]*groupBackoff{}}
}

// failed records a failed node of a group and says until when the group pauses.
func (b *backoff) failed(g types.NamespacedName, reason string) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.state[g]
	if s == nil {
		s = &groupBackoff{}
		b.state[g] = s
	}
	s.failures++
	d := min(b.min<<min(s.failures-1, 20), b.max)
	s.until, s.reason = b.clock.Now().Add(d), reason
	return s.until
}

// succeeded resets the group's pause.
func (b *backoff) succeeded(g types.NamespacedName) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.state, g)
}

// until says until when the group pauses, and which failure paused it.
func (b *backoff) until(g types.NamespacedName) (time.Time, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.state[g]; s != nil {
		return s.until, s.reason
	}
	return time.Time{}, ""
}
