package rebalance

import (
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Memo keys of a rebalance run: what a restarted leader reads back when it attaches.
const (
	memoPlan     = "plan"
	memoStrategy = "strategy"
	memoSavings  = "savings"
	memoBatches  = "batches"
	memoSummary  = "summary"
	memoReasons  = "reasons"
)

// run is one rebalance run of a group as this process follows it.
type run struct {
	id, runID, planID, strategy string
	// planned is the plan's monthly saving; batches its number of batches.
	planned  float64
	batches  int
	reasons  []string // the plan's typed reasons, sorted
	started  time.Time
	progress contract.RebalanceProgress
	// finished is zero while the run runs; then ending says how it ended.
	finished time.Time
	ending   ending
}

// runs holds each group's latest run this process followed.
type runs struct {
	mu      sync.Mutex
	byGroup map[types.NamespacedName]*run
}

func newRuns() *runs { return &runs{byGroup: map[types.NamespacedName]*run{}} }

// following reports whether this process follows the group's run runID while it runs.
func (r *runs) following(key types.NamespacedName, runID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.byGroup[key]
	return cur != nil && cur.runID == runID && cur.finished.IsZero()
}

// known reports whether this process has followed the run runID, running or ended.
func (r *runs) known(key types.NamespacedName, runID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.byGroup[key]
	return cur != nil && cur.runID == runID
}

// begin records a run to follow; false when this process follows it already.
func (r *runs) begin(key types.NamespacedName, x run) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur := r.byGroup[key]; cur != nil && cur.runID == x.runID && cur.finished.IsZero() {
		return false
	}
	r.byGroup[key] = &x
	return true
}

// progressed records a progress reading of a running run; true when it changed.
func (r *runs) progressed(key types.NamespacedName, runID string, p contract.RebalanceProgress) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.byGroup[key]
	if cur == nil || cur.runID != runID || !cur.finished.IsZero() || equalProgress(cur.progress, p) {
		return false
	}
	cur.progress = p
	return true
}

// end records how a run ended and returns it; false when the group followed another run since.
func (r *runs) end(key types.NamespacedName, runID string, e ending, at time.Time) (run, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.byGroup[key]
	if cur == nil || cur.runID != runID {
		return run{}, false
	}
	cur.finished, cur.ending = at, e
	if e.progress != nil {
		cur.progress = *e.progress
	}
	return *cur, true
}

// get copies the group's latest run.
func (r *runs) get(key types.NamespacedName) (run, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.byGroup[key]
	if cur == nil {
		return run{}, false
	}
	return *cur, true
}

// running copies every run that runs.
func (r *runs) running() map[types.NamespacedName]run {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[types.NamespacedName]run{}
	for k, v := range r.byGroup {
		if v.finished.IsZero() {
			out[k] = *v
		}
	}
	return out
}

// retain forgets the finished runs of groups that are gone.
func (r *runs) retain(present map[types.NamespacedName]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, v := range r.byGroup {
		if !present[k] && !v.finished.IsZero() {
			delete(r.byGroup, k)
		}
	}
}

func equalProgress(a, b contract.RebalanceProgress) bool {
	return a.Phase == b.Phase && a.Paused == b.Paused && a.BatchesDone == b.BatchesDone && a.BatchesTotal == b.BatchesTotal &&
		a.SavingsMonthly == b.SavingsMonthly && a.Message == b.Message && a.PlanID == b.PlanID &&
		slices.Equal(a.NewNodes, b.NewNodes) && slices.Equal(a.OldNodes, b.OldNodes) && slices.Equal(a.Removed, b.Removed) &&
		a.WindowOpensAt.Equal(b.WindowOpensAt)
}
