package scaledown

import (
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// drains is what this process knows of the drains it started: those running, those that
// deleted their node (a lagging cache may still show it; it must not be drained twice), those
// that were undone (left alone for a while), and when each group last started one.
type drains struct {
	mu          sync.Mutex
	inFlight    map[string]*drain
	deleted     map[string]bool
	compensated map[string]time.Time
	lastStarted map[types.NamespacedName]time.Time
}

// drain is one running DrainAndDelete workflow.
type drain struct {
	group   types.NamespacedName
	started time.Time
	// deleting is when its VPSieNode was first seen being deleted (the termination began).
	deleting time.Time
}

func newDrains() *drains {
	return &drains{inFlight: map[string]*drain{}, deleted: map[string]bool{}, compensated: map[string]time.Time{},
		lastStarted: map[types.NamespacedName]time.Time{}}
}

// begin records a drain this process follows; false when it follows it already.
func (d *drains) begin(node string, group types.NamespacedName, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inFlight[node] != nil {
		return false
	}
	d.inFlight[node] = &drain{group: group, started: now}
	d.lastStarted[group] = now
	return true
}

// end removes a followed drain and returns it; deleted says the node is gone for good.
func (d *drains) end(node string, deleted bool, now time.Time) drain {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := *d.inFlight[node]
	delete(d.inFlight, node)
	if deleted {
		d.deleted[node] = true
	} else {
		d.compensated[node] = now
	}
	return out
}

// terminating notes when a followed drain's VPSieNode started being deleted.
func (d *drains) terminating(node string, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dr := d.inFlight[node]; dr != nil && dr.deleting.IsZero() {
		dr.deleting = at
	}
}

// leaving names the nodes being drained or already deleted, sorted.
func (d *drains) leaving() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, 0, len(d.inFlight)+len(d.deleted))
	for n := range d.inFlight {
		out = append(out, n)
	}
	for n := range d.deleted {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// undoneRecently: the node's drain was undone less than wait ago.
func (d *drains) undoneRecently(node string, now time.Time, wait time.Duration) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.compensated[node]
	return ok && now.Sub(at) < wait
}

// lastStart is when this process last started a drain of the group; zero if never.
func (d *drains) lastStart(group types.NamespacedName) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lastStarted[group]
}

// retain forgets the deleted and undone nodes that left the cluster.
func (d *drains) retain(present map[string]bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for n := range d.deleted {
		if !present[n] {
			delete(d.deleted, n)
		}
	}
	for n := range d.compensated {
		if !present[n] {
			delete(d.compensated, n)
		}
	}
}

// lastStarts copies every group's last drain start.
func (d *drains) lastStarts() map[types.NamespacedName]time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[types.NamespacedName]time.Time, len(d.lastStarted))
	for k, v := range d.lastStarted {
		out[k] = v
	}
	return out
}

// forget drops a drain that did not start.
func (d *drains) forget(node string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.inFlight, node)
}
