package schedsim

import "testing"

// Reason strings are metric labels and event reasons, equal to the scale-up planner's of the
// same name: they must stay stable, so this list changes only by appending.
func TestReasonStringsAreStable(t *testing.T) {
	want := []string{
		"InsufficientCPU", "InsufficientMemory", "InsufficientEphemeralStorage", "InsufficientExtendedResource",
		"TooManyPods", "NodeSelectorMismatch", "NodeAffinityMismatch", "TaintNotTolerated", "AntiAffinity",
		"TopologySpread", "HostPortConflict", "PodAffinity", "VolumeNodeAffinity",
	}
	got := Reasons()
	if len(got) != len(want) {
		t.Fatalf("%d reasons, want %d", len(got), len(want))
	}
	for i, r := range got {
		if r.String() != want[i] {
			t.Errorf("Reason %d = %q, want %q", i+1, r.String(), want[i])
		}
	}
	if s := Reason(200).String(); s != "Reason(200)" {
		t.Errorf("an unknown reason renders as %q", s)
	}
}
