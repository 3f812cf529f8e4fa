package utilization

import (
	"fmt"
	"time"
)

// Thresholds is what Below checks: a node is below when both its CPU and its memory are
// strictly under their percentages in every sample of the window.
type Thresholds struct {
	CPUPercent, MemoryPercent int32
	Window                    time.Duration
	// Usage also counts measured usage where a sample has it, taking the larger of requested
	// and used: a node whose pods use far more than they request is not idle.
	Usage bool
}

// Below reports whether node stayed under t for the whole window ending at now, and why not.
// The window must be covered: the oldest sample looked at must be at or before its start,
// with no gap longer than the store's maxGap (nor between the newest sample and now).
func (st *Store) Below(node string, t Thresholds, now time.Time) (bool, string) {
	ok, why := st.holds(node, t.Window, now, func(e *entry) string { return t.exceeded(e) })
	if ok {
		why = fmt.Sprintf("below %d%% CPU and %d%% memory for %s", t.CPUPercent, t.MemoryPercent, t.Window)
	}
	return ok, why
}

// Empty reports whether node ran no pod that would need moving (Sample.Pods) for the whole
// window ending at now, covered as for Below, and why not.
func (st *Store) Empty(node string, window time.Duration, now time.Time) (bool, string) {
	ok, why := st.holds(node, window, now, func(e *entry) string {
		if e.pods > 0 {
			return fmt.Sprintf("%d pods to move", e.pods)
		}
		return ""
	})
	if ok {
		why = "empty for " + window.String()
	}
	return ok, why
}

// holds walks node's samples from the newest back to the window's start; broken names the
// first way a sample breaks the condition, or is empty.
func (st *Store) holds(node string, window time.Duration, now time.Time, broken func(*entry) string) (bool, string) {
	r := st.lookup(node)
	if r == nil {
		return false, "no samples yet"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	start, later := now.Add(-window).UnixNano(), now.UnixNano()
	for i := 0; i < r.n; i++ {
		e := r.at(i)
		if gap := time.Duration(later - e.at); st.maxGap > 0 && gap > st.maxGap {
			return false, fmt.Sprintf("no sample for %s before %s", gap.Round(time.Second), stamp(later))
		}
		if why := broken(e); why != "" {
			return false, why + " at " + stamp(e.at)
		}
		if e.at <= start {
			return true, ""
		}
		later = e.at
	}
	return false, fmt.Sprintf("samples cover %s of the %s window", time.Duration(now.UnixNano()-later).Round(time.Second), window)
}

// exceeded names the first threshold e is not under, or is empty.
func (t Thresholds) exceeded(e *entry) string {
	cpu, mem := int64(e.cpuReq), int64(e.memReq)
	if t.Usage && e.cpuUse >= 0 {
		cpu, mem = max(cpu, int64(e.cpuUse)), max(mem, int64(e.memUse))
	}
	switch {
	case e.cpuAlloc <= 0 || e.memAlloc == 0:
		return "no allocatable reported"
	case cpu*100 >= int64(t.CPUPercent)*int64(e.cpuAlloc):
		return fmt.Sprintf("CPU at %d%% (threshold %d%%)", cpu*100/int64(e.cpuAlloc), t.CPUPercent)
	case mem*100 >= int64(t.MemoryPercent)*int64(e.memAlloc):
		return fmt.Sprintf("memory at %d%% (threshold %d%%)", mem*100/int64(e.memAlloc), t.MemoryPercent)
	}
	return ""
}

func stamp(unixNano int64) string { return time.Unix(0, unixNano).UTC().Format(time.RFC3339) }
