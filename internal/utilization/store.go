package utilization

import (
	"slices"
	"sync"
	"time"
)

// Store holds a ring of samples per node. The map of nodes has a read-write lock and each
// node's ring its own mutex, so writers to different nodes never wait on each other and a
// reader blocks only the node it reads.
type Store struct {
	capacity int
	maxGap   time.Duration

	mu    sync.RWMutex
	nodes map[string]*series
}

// NewStore keeps the newest capacity samples of each node, at least one: at a 10 s interval,
// 360 cover an hour, which must be at least the longest stabilization window in use. A gap of
// more than maxGap between samples, or between the newest one and now, leaves a window
// uncovered (the node was not observed, so nothing is known of it); zero disables the check.
func NewStore(capacity int, maxGap time.Duration) *Store {
	return &Store{capacity: max(capacity, 1), maxGap: maxGap, nodes: map[string]*series{}}
}

// Add records s for node; a sample older than the node's newest is dropped. Once the node
// has a ring, Add allocates nothing.
func (st *Store) Add(node string, s Sample) {
	e := encode(s)
	r := st.series(node)
	r.mu.Lock()
	r.add(e)
	r.mu.Unlock()
}

func (st *Store) series(node string) *series {
	st.mu.RLock()
	r := st.nodes[node]
	st.mu.RUnlock()
	if r != nil {
		return r
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if r = st.nodes[node]; r == nil {
		r = newSeries(st.capacity)
		st.nodes[node] = r
	}
	return r
}

// lookup is node's ring, or nil.
func (st *Store) lookup(node string) *series {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.nodes[node]
}

// Samples is a copy of node's samples, oldest first; nil for a node with none.
func (st *Store) Samples(node string) []Sample {
	r := st.lookup(node)
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.samples()
}

// Nodes lists the nodes with samples, sorted.
func (st *Store) Nodes() []string {
	st.mu.RLock()
	out := make([]string, 0, len(st.nodes))
	for name := range st.nodes {
		out = append(out, name)
	}
	st.mu.RUnlock()
	slices.Sort(out)
	return out
}

// Forget drops node's samples, for a node that left the cluster.
func (st *Store) Forget(node string) {
	st.mu.Lock()
	delete(st.nodes, node)
	st.mu.Unlock()
}

// Retain drops every node keep rejects, typically those no longer in the Node list, and
// returns how many went. A sample added concurrently for a dropped node starts a new ring.
func (st *Store) Retain(keep func(node string) bool) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	dropped := 0
	for name := range st.nodes {
		if !keep(name) {
			delete(st.nodes, name)
			dropped++
		}
	}
	return dropped
}
