package scaleup

import (
	"testing"
	"unicode"

	"k8s.io/apimachinery/pkg/types"

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

// An unschedulable pod's reason (the metric label) is the reason of the first group that
// was meant for pods like it: a group whose nodes the pod does not select (another team's,
// another namespace's) says nothing about why the pod waits.
func TestAnUnschedulablePodsReasonIsTheClosestGroups(t *testing.T) {
	v := func(name string, r Reason) Verdict {
		return Verdict{NodeGroup: types.NamespacedName{Namespace: "ns", Name: name}, Reason: r}
	}
	tests := []struct {
		name     string
		verdicts []Verdict
		want     Reason
	}{
		{"another group's selector comes first", []Verdict{v("a", ReasonNodeSelectorMismatch), v("b", ReasonInsufficientCPU)}, ReasonInsufficientCPU},
		{"affinity and taints say the same", []Verdict{v("a", ReasonNodeAffinityMismatch), v("b", ReasonTaintNotTolerated),
			v("c", ReasonMaxNodesReached)}, ReasonMaxNodesReached},
		{"no group meant for it: the first", []Verdict{v("a", ReasonTaintNotTolerated), v("b", ReasonNodeSelectorMismatch)}, ReasonTaintNotTolerated},
		{"no group at all", nil, ReasonNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Unschedulable{Verdicts: tt.verdicts}).Reason(); got != tt.want {
				t.Errorf("Reason() = %s, want %s", got, tt.want)
			}
		})
	}
}
