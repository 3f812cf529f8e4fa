package utilization

import "sync"

// series is one node's ring. Its buffer is allocated once, full size, so adding a sample
// never allocates.
type series struct {
	mu   sync.Mutex
	buf  []entry
	next int // where the next sample goes
	n    int // how many slots hold samples
}

func newSeries(capacity int) *series { return &series{buf: make([]entry, capacity)} }

// add keeps e unless it is older than the newest sample: readings arrive in time order, and
// one that does not (a slow scrape overtaken by a later one) says nothing new.
func (r *series) add(e entry) bool {
	if r.n > 0 && e.at < r.at(0).at {
		return false
	}
	r.buf[r.next] = e
	r.next = (r.next + 1) % len(r.buf)
	r.n = min(r.n+1, len(r.buf))
	return true
}

// at is the i-th newest sample: 0 is the newest, n-1 the oldest.
func (r *series) at(i int) *entry {
	return &r.buf[(r.next-1-i+2*len(r.buf))%len(r.buf)]
}

// samples copies the ring, oldest first.
func (r *series) samples() []Sample {
	out := make([]Sample, r.n)
	for i := range out {
		out[i] = r.at(r.n - 1 - i).decode()
	}
	return out
}
