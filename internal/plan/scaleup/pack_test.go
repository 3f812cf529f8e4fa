package scaleup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// bought summarises intents as offering → node count.
func bought(r Result) map[string]int32 {
	out := map[string]int32{}
	for _, in := range r.Intents {
		out[in.Offering] += in.Count
	}
	return out
}

func TestPackingBuysTheCheapestNodeSet(t *testing.T) {
	preferring := func(pref string, offerings ...string) *v1alpha1.NodeGroup {
		g := nodeGroup("g", offerings...)
		g.Spec.PreferredInstanceType = pref
		return g
	}
	spot := offer("spot", 2, 4, 10)
	spot.Spot = true
	tests := []struct {
		name      string
		group     *v1alpha1.NodeGroup
		offerings []Offering
		pods      []corev1.Pod
		tolerance float64
		want      map[string]int32
		wantPrice float64
	}{
		{
			name:  "a large node is bought when it is cheaper per pod, a small one for the rest",
			group: nodeGroup("g", "small", "large"), offerings: []Offering{offer("small", 2, 4, 10), offer("large", 8, 16, 35)},
			pods: replicas("web", 10, "1", "1Gi"), want: map[string]int32{"large": 1, "small": 1}, wantPrice: 45,
		},
		{
			name:  "small nodes are bought when large ones cost more per unit",
			group: nodeGroup("g", "small", "large"), offerings: []Offering{offer("small", 2, 4, 10), offer("large", 8, 16, 50)},
			pods: replicas("web", 10, "1", "1Gi"), want: map[string]int32{"small": 5}, wantPrice: 50,
		},
		{
			name:  "big and small pods share nodes to fill them",
			group: nodeGroup("g", "medium"), offerings: []Offering{offer("medium", 4, 16, 20)},
			pods: append(replicas("big", 2, "3", "1Gi"), replicas("tiny", 2, "900m", "1Gi")...), want: map[string]int32{"medium": 2}, wantPrice: 40,
		},
		{
			name:  "the preferred offering wins within the tolerance",
			group: preferring("medium", "small", "medium"), offerings: []Offering{offer("small", 2, 4, 10), offer("medium", 4, 8, 21)},
			pods: replicas("web", 4, "1", "1Gi"), tolerance: 0.1, want: map[string]int32{"medium": 1}, wantPrice: 21,
		},
		{
			name:  "the preferred offering loses beyond the tolerance",
			group: preferring("medium", "small", "medium"), offerings: []Offering{offer("small", 2, 4, 10), offer("medium", 4, 8, 25)},
			pods: replicas("web", 4, "1", "1Gi"), tolerance: 0.1, want: map[string]int32{"small": 2}, wantPrice: 20,
		},
		{
			name:  "without tolerance the preferred offering wins only ties",
			group: preferring("medium", "small", "medium"), offerings: []Offering{offer("small", 2, 4, 10), offer("medium", 4, 8, 21)},
			pods: replicas("web", 4, "1", "1Gi"), want: map[string]int32{"small": 2}, wantPrice: 20,
		},
		{
			name:  "less waste breaks a tie in price per pod",
			group: nodeGroup("g", "two", "four"), offerings: []Offering{offer("two", 2, 4, 10), offer("four", 4, 8, 20)},
			pods: replicas("web", 3, "1500m", "1Gi"), want: map[string]int32{"two": 3}, wantPrice: 30,
		},
		{
			name:  "an on-demand offering beats a spot one at the same price",
			group: nodeGroup("g", "spot", "small"), offerings: []Offering{spot, offer("small", 2, 4, 10)},
			pods: replicas("web", 1, "1", "1Gi"), want: map[string]int32{"small": 1}, wantPrice: 10,
		},
		{
			name:      "when maxNodes is scarce, bigger nodes are bought so that every pod fits",
			group:     func() *v1alpha1.NodeGroup { g := nodeGroup("g", "small", "large"); g.Spec.MaxNodes = 2; return g }(),
			offerings: []Offering{offer("small", 2, 4, 10), offer("large", 8, 16, 45)},
			pods:      replicas("web", 8, "900m", "1Gi"), want: map[string]int32{"large": 1}, wantPrice: 45,
		},
		{
			name:  "with nodes to spare, the cheaper small nodes win",
			group: nodeGroup("g", "small", "large"), offerings: []Offering{offer("small", 2, 4, 10), offer("large", 8, 16, 45)},
			pods: replicas("web", 8, "900m", "1Gi"), want: map[string]int32{"small": 4}, wantPrice: 40,
		},
		{
			name:  "only allowed offerings are bought",
			group: nodeGroup("g", "small"), offerings: []Offering{offer("small", 2, 4, 10), offer("cheap", 8, 32, 1)},
			pods: replicas("web", 2, "1", "1Gi"), want: map[string]int32{"small": 1}, wantPrice: 10,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DefaultOptions()
			o.PreferredTolerance = tt.tolerance
			r := Plan(Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{tt.group}, Offerings: tt.offerings, Pending: ptrs(tt.pods)}, o)
			if got := bought(r); !equalCounts(got, tt.want) || r.MonthlyPrice() != tt.wantPrice {
				t.Fatalf("bought %v for %v, want %v for %v", got, r.MonthlyPrice(), tt.want, tt.wantPrice)
			}
			if len(r.Unschedulable) != 0 {
				t.Fatalf("unschedulable: %+v", r.Unschedulable)
			}
		})
	}
}

func equalCounts(a, b map[string]int32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestRightSizingMovesANodeToTheCheapestOfferingThatHoldsItsPods(t *testing.T) {
	s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "small", "large")},
		Offerings: []Offering{offer("small", 2, 4, 10), offer("large", 8, 16, 35)}}
	pl := newPlanner(&s, DefaultOptions())
	large := pl.groups[0].templates[1]
	pp := pod("p", "1", "1Gi")
	p := schedsim.NewPodInfo(&pp, nil)
	pl.classify([]*schedsim.PodInfo{p})
	pl.classOf[p.Class].tmplFit = []schedsim.Failure{{}, {}}
	pl.addPlanned(large, ReasonPendingPods)
	n := pl.planned[len(pl.planned)-1]
	pl.cluster.Place(p, n.Node)
	pl.rightSize()
	if n.tmpl.offering.ID != "small" || n.Labels[labelInstanceType] != "small" || n.Free.CPU != n.Alloc.CPU-1000 {
		t.Fatalf("node is %s (label %s, free cpu %d of %d), want small with the pod's CPU used",
			n.tmpl.offering.ID, n.Labels[labelInstanceType], n.Free.CPU, n.Alloc.CPU)
	}
}
