package scaledown

import (
	"slices"
	"testing"
)

// maxNodes 0 parks a group: every node goes as AboveMaxNodes, one drain at a time, pods
// that fit nowhere waiting as Pending.
func TestAParkedGroupIsDrainedToZero(t *testing.T) {
	s := snapshot(groups(nodeGroup("g", 0, 0)), node("a", "g", "4", "8Gi", pod("x", "3", "1Gi")), node("b", "g", "4", "8Gi"))
	r := Plan(s, DefaultOptions())
	if got := drained(r); !slices.Equal(got, []string{"b"}) || r.Drains[0].Reason != ReasonAboveMaxNodes {
		t.Fatalf("drains %+v, want the empty node b first, as AboveMaxNodes", r.Drains)
	}
	if v, _ := verdictOf(r, "a"); v.Reason != ReasonDrainLimit {
		t.Errorf("a: %s (%s), want DrainLimit until b is gone", v.Reason, v.Message)
	}
	s = snapshot(groups(nodeGroup("g", 0, 0)), node("a", "g", "4", "8Gi", pod("x", "3", "1Gi")))
	r = Plan(s, DefaultOptions())
	if len(r.Drains) != 1 || len(r.Drains[0].Stranded) != 1 {
		t.Fatalf("the last node: drains %+v, want it drained with its pod stranded", r.Drains)
	}
}
