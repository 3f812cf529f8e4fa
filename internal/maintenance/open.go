package maintenance

import (
	"slices"
	"time"
)

// Horizon is how far ahead Open follows windows that chain into each other and Next looks
// for an opening. Every window recurs at least weekly, so an opening is always within it.
const Horizon = 8 * 24 * time.Hour

// Open reports whether any window is open at now and, if so, when the open time ends: the
// end of the union of the windows that overlap or touch, followed at most Horizon ahead.
// No windows means no restriction: always open, closesAt zero.
func Open(ws []Window, now time.Time) (open bool, closesAt time.Time) {
	if len(ws) == 0 {
		return true, time.Time{}
	}
	for _, iv := range Intervals(ws, now, now.Add(Horizon)) {
		if iv.Contains(now) {
			return true, iv.End
		}
	}
	return false, time.Time{}
}

// Next is the earliest instant at or after now at which a window is open: now itself when
// one is open. It is zero when there are no windows (no restriction applies).
func Next(ws []Window, now time.Time) time.Time {
	if len(ws) == 0 {
		return time.Time{}
	}
	for _, iv := range Intervals(ws, now, now.Add(Horizon)) {
		if iv.Contains(now) {
			return now
		}
		if iv.Start.After(now) {
			return iv.Start
		}
	}
	return time.Time{}
}

// Intervals lists the open time of all windows that overlaps [from, until), merged where
// windows overlap or touch and sorted; the first may start before from and the last end
// after until. A controller passes these to a workflow, which compares them with
// workflow.Now and needs no time zone database.
func Intervals(ws []Window, from, until time.Time) []Interval {
	var all []Interval
	for _, w := range ws {
		all = append(all, w.occurrences(from, until)...)
	}
	slices.SortFunc(all, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	var out []Interval
	for _, iv := range all {
		if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
			if iv.End.After(out[n-1].End) {
				out[n-1].End = iv.End
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}
