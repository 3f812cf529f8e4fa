package scaleup

import (
	"testing"
	"unicode"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// Reason strings are metric labels and event reasons: they must stay stable, CamelCase and
// distinct. Renaming one breaks dashboards, so this list changes only by appending.
func TestReasonStringsAreStableCamelCaseAndDistinct(t *testing.T) {
	want := []string{
		"PendingPods", "BelowMinNodes", "InsufficientCPU", "InsufficientMemory", "InsufficientEphemeralStorage",
		"InsufficientExtendedResource", "TooManyPods", "NodeSelectorMismatch", "NodeAffinityMismatch",
		"TaintNotTolerated", "AntiAffinity", "TopologySpread", "MaxNodesReached", "ScaleUpDisabled", "BackingOff",
		"InCooldown", "QuotaExhausted", "UnknownOffering", "UnknownDatacenter", "NoOfferingAvailable", "HostPortConflict", "PodAffinity", "VolumeNodeAffinity",
		"GroupParked", "NodeGroupDeleting", "BootstrapConfigInvalid",
	}
	got := Reasons()
	if len(got) != len(want) {
		t.Fatalf("%d reasons, want %d", len(got), len(want))
	}
	seen := map[string]bool{}
	for i, r := range got {
		s := r.String()
		if s != want[i] {
			t.Errorf("Reason %d = %q, want %q", i+1, s, want[i])
		}
		for _, c := range s {
			if !unicode.IsLetter(c) {
				t.Errorf("%q is not CamelCase", s)
			}
		}
		if !unicode.IsUpper(rune(s[0])) || seen[s] {
			t.Errorf("%q is not capitalised or repeats", s)
		}
		seen[s] = true
	}
	if s := Reason(200).String(); s != "Reason(200)" {
		t.Errorf("an unknown reason renders as %q", s)
	}
}

// Every reason a predicate of the simulation returns reaches Results under the same name.
func TestSimulationReasonsKeepTheirNames(t *testing.T) {
	for _, r := range append(schedsim.Reasons(), schedsim.ReasonNone) {
		got, ok := simReasons[r]
		if !ok || got.String() != r.String() {
			t.Errorf("simulation reason %v maps to %v (known %v)", r, got, ok)
		}
	}
}
