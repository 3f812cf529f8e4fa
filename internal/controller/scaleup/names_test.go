package scaleup

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

var hostname = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func TestNodeNamesAreValidHostnamesAndDeterministic(t *testing.T) {
	in := plan.Intent{NodeGroup: types.NamespacedName{Namespace: "ns", Name: "g"}, Offering: "std-1", Datacenter: "ams1",
		Count: 2, Pods: []types.NamespacedName{{Namespace: "ns", Name: "b"}, {Namespace: "ns", Name: "a"}}}
	swapped := in
	swapped.Pods = []types.NamespacedName{in.Pods[1], in.Pods[0]}
	if batchID(in, 0, 0) != batchID(swapped, 0, 0) {
		t.Error("the batch id depends on the order pods were listed in")
	}
	if batchID(in, 0, 0) == batchID(in, 0, 1) {
		t.Error("the next run of the same pods gets the same batch id again")
	}
	if batchID(in, 3, 0) != batchID(in, 0, 0) {
		t.Error("a member joining renamed an intent its pods name")
	}
	grow := plan.Intent{NodeGroup: in.NodeGroup, Offering: "std-1", Datacenter: "ams1", Count: 1, Reason: plan.ReasonBelowMinNodes}
	if batchID(grow, 1, 0) == batchID(grow, 2, 0) {
		t.Error("growing to minNodes from different sizes shares a batch id (a raised minNodes would wait on the last run)")
	}
	for _, tt := range []struct{ cluster, group string }{
		{"local", "general"}, {"Prod.EU", "gpu.workers"}, {"c", strings.Repeat("x", 63)},
	} {
		got := nodeName(tt.cluster, tt.group, batchID(in, 0, 0), 12)
		if len(got) > 63 || !hostname.MatchString(got) {
			t.Errorf("nodeName(%q, %q) = %q: not a valid hostname", tt.cluster, tt.group, got)
		}
	}
}

func TestPlacementsFallBackToBiggerOfferingsThenOtherDatacenters(t *testing.T) {
	ng := &v1alpha1.NodeGroup{Spec: v1alpha1.NodeGroupSpec{OfferingIDs: []string{"small", "big", "bigger", "tiny"},
		Datacenters: []v1alpha1.DatacenterPlacement{{ID: "fra1", Priority: 2}, {ID: "ams1", Priority: 0}, {ID: "lon1", Priority: 1}}}}
	offerings := []plan.Offering{
		{ID: "tiny", CPUMilli: 500, MemoryBytes: 1 << 30, MonthlyPrice: 2},
		{ID: "small", CPUMilli: 1000, MemoryBytes: 2 << 30, MonthlyPrice: 5},
		{ID: "bigger", CPUMilli: 4000, MemoryBytes: 8 << 30, MonthlyPrice: 20},
		{ID: "big", CPUMilli: 2000, MemoryBytes: 4 << 30, MonthlyPrice: 10, Datacenters: []string{"ams1"}},
	}
	got := placements(ng, plan.Intent{Offering: "small", Datacenter: "ams1"}, offerings)
	var ids []string
	for _, p := range got {
		ids = append(ids, p.OfferingID+"@"+p.DatacenterID)
	}
	want := "small@ams1 big@ams1 bigger@ams1 small@lon1 small@fra1"
	if strings.Join(ids, " ") != want {
		t.Errorf("placements = %v, want %s", ids, want)
	}
}

func TestBackoffDoublesUpToTheMaximumAndResetsOnSuccess(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Unix(0, 0))
	b := newBackoff(clk, 2*time.Minute)
	g := types.NamespacedName{Namespace: "ns", Name: "g"}
	var pauses []time.Duration
	for range 4 {
		pauses = append(pauses, b.failed(g, "BootFailed").Sub(clk.Now()))
	}
	if want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 2 * time.Minute}; !slices.Equal(pauses, want) {
		t.Errorf("pauses = %v, want %v", pauses, want)
	}
	b.succeeded(g)
	if until, _ := b.until(g); !until.IsZero() {
		t.Error("a ready node did not reset the backoff")
	}
}
