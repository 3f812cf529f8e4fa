package scaleup

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestNodesOfAStartedRunCountAsInFlightUntilTheirVPSieNodesExist(t *testing.T) {
	l := newLaunched()
	place := []contract.Placement{{OfferingID: "std-2c-4g", DatacenterID: "ams1"}}
	l.add("scaleup/ns/g/b1", contract.ScaleUpInput{Namespace: "ns", NodeGroup: "g",
		Template: contract.NodeTemplate{ImageID: "ubuntu"},
		Nodes:    []contract.NodeRequest{{Name: "c-g-b1-0", Placements: place}, {Name: "c-g-b1-1", Placements: place}}})
	created := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "c-g-b1-0"}}
	got := l.missing([]*v1alpha1.VPSieNode{created})
	if len(got) != 1 || got[0].Name != "c-g-b1-1" || got[0].Spec.OfferingID != "std-2c-4g" ||
		got[0].Spec.NodeGroup != "g" || got[0].Spec.Hostname != "c-g-b1-1" || got[0].Status.Phase != "" {
		t.Fatalf("missing = %+v, want only the node not created yet, in flight", got)
	}
	l.done("scaleup/ns/g/b1")
	if got := l.missing(nil); len(got) != 0 {
		t.Errorf("a finished run still adds %d nodes", len(got))
	}
}

// A launched node the cache once held, or whose fallback it holds, is never counted again:
// after its compensation (the VPSieNode deleted) it used to come back as in-flight capacity
// until the run ended, and the request behind a fallback counted twice.
func TestACompensatedOrFallenBackNodeIsNoLongerInFlight(t *testing.T) {
	l := newLaunched()
	place := []contract.Placement{{OfferingID: "std-2c-4g", DatacenterID: "ams1"}}
	l.add("run", contract.ScaleUpInput{Namespace: "ns", NodeGroup: "g",
		Nodes: []contract.NodeRequest{{Name: "n-0", Placements: place}, {Name: "n-1", Placements: place}}})
	seen := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "n-0"}}
	fallback := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: contract.PlacementName("n-1", 1)}}
	if got := l.missing([]*v1alpha1.VPSieNode{seen, fallback}); len(got) != 0 {
		t.Fatalf("missing = %d nodes, want none: one exists, the other's fallback does", len(got))
	}
	if got := l.missing(nil); len(got) != 0 {
		t.Errorf("after both were compensated: %d in flight, want none", len(got))
	}
}
