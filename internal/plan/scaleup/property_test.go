package scaleup

import (
	"math/rand"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

const propertyRuns = 60

func TestPropertyEveryPlacementPassesEveryPredicate(t *testing.T) {
	for seed := int64(1); seed <= propertyRuns; seed++ {
		g := gen{r: rand.New(rand.NewSource(seed)), constrained: true}
		pl, _ := plan(g.snapshot(10+g.r.Intn(150)), DefaultOptions())
		t.Run("seed "+itoa(seed), func(t *testing.T) { replay(t, pl) })
	}
}

func TestPropertySameSnapshotSamePlanWhateverTheOrder(t *testing.T) {
	for seed := int64(1); seed <= propertyRuns; seed++ {
		g := gen{r: rand.New(rand.NewSource(seed)), constrained: true}
		s := g.snapshot(10 + g.r.Intn(150))
		want := Plan(s, DefaultOptions())
		if again := Plan(s, DefaultOptions()); !reflect.DeepEqual(again, want) {
			t.Fatalf("seed %d: a second run differs", seed)
		}
		if shuffled := Plan(g.shuffled(s), DefaultOptions()); !reflect.DeepEqual(shuffled, want) {
			t.Fatalf("seed %d: shuffled input differs:\n%+v\nwant\n%+v", seed, shuffled.Intents, want.Intents)
		}
	}
}

// Without topology constraints, that can force a dearer datacenter, packing never costs more
// than giving every pod a node of its own.
func TestPropertyNeverDearerThanOnePodPerNode(t *testing.T) {
	for seed := int64(1); seed <= propertyRuns; seed++ {
		g := gen{r: rand.New(rand.NewSource(seed))}
		o := DefaultOptions()
		o.PreferredTolerance = 0
		pl, r := plan(g.snapshot(10+g.r.Intn(150)), o)
		var packed, alone float64
		for _, n := range pl.planned {
			if n.Kind == schedsim.KindPlanned && n.reason == ReasonPendingPods {
				packed += n.tmpl.price()
				for _, p := range n.Placed {
					alone += pl.classOf[p.Class].weight
				}
			}
		}
		if packed > alone*(1+epsilon) {
			t.Fatalf("seed %d: plan costs %.2f, one pod per node %.2f (%+v)", seed, packed, alone, r.Intents)
		}
	}
}

func TestPropertyEveryPendingPodIsAccountedForOnce(t *testing.T) {
	for seed := int64(1); seed <= propertyRuns; seed++ {
		g := gen{r: rand.New(rand.NewSource(seed)), constrained: true}
		s := g.snapshot(10 + g.r.Intn(150))
		r := Plan(s, DefaultOptions())
		seen := map[types.NamespacedName]int{}
		for _, p := range r.Existing {
			seen[p.Pod]++
		}
		for _, in := range r.Intents {
			for _, p := range in.Pods {
				seen[p]++
			}
		}
		for _, u := range r.Unschedulable {
			seen[u.Pod]++
			if len(u.Verdicts) != len(s.NodeGroups) {
				t.Fatalf("seed %d: %s has %d verdicts for %d groups", seed, u.Pod, len(u.Verdicts), len(s.NodeGroups))
			}
		}
		for _, p := range s.Pending {
			if n := seen[types.NamespacedName{Namespace: p.Namespace, Name: p.Name}]; n != 1 {
				t.Fatalf("seed %d: %s/%s accounted for %d times", seed, p.Namespace, p.Name, n)
			}
		}
	}
}
