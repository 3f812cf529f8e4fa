package scaleup

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"

	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
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

func TestPlacementsAreThePlanThenItsFallbacks(t *testing.T) {
	in := plan.Intent{Offering: "small", Datacenter: "ams1", Count: 2, MonthlyPrice: 10,
		Fallbacks: []plan.Fallback{{Offering: "big", Datacenter: "ams1", MonthlyPrice: 10}, {Offering: "small", Datacenter: "lon1", MonthlyPrice: 5}}}
	got := placements(in)
	want := []contract.Placement{{OfferingID: "small", DatacenterID: "ams1", MonthlyPrice: 5},
		{OfferingID: "big", DatacenterID: "ams1", MonthlyPrice: 10}, {OfferingID: "small", DatacenterID: "lon1", MonthlyPrice: 5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("placements = %+v, want %+v", got, want)
	}
}

func TestBackoffDoublesUpToTheMaximumAndResetsOnSuccess(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Unix(0, 0))
	b := newBackoff(clk, 30*time.Second, 2*time.Minute)
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
