package schedsim

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestARemovalIsCommittedSoTheNextSeesLessRoom(t *testing.T) {
	sim := NewSimulation([]ExistingNode{
		node("a", "4", "8Gi", nil, pod("p1", "2", "1Gi")),
		node("b", "4", "8Gi", nil, pod("p2", "2", "1Gi")),
		node("c", "4", "8Gi", nil, pod("p3", "1", "1Gi")),
	}, DefaultOptions())
	moves, _, ok := sim.TryRemove("a")
	if want := []Placement{{Pod: key("p1"), Node: "b"}}; !ok || !reflect.DeepEqual(moves, want) {
		t.Fatalf("removing a: %v %v, want %v", moves, ok, want)
	}
	// b now runs p1 and p2, 4 CPU: c, with 3 free, takes one of them only.
	_, refused, ok := sim.TryRemove("b")
	if ok || refused.Pod != key("p2") || refused.Reason != ReasonInsufficientCPU ||
		refused.Message != "no other node can take it; closest, c: requests 2 CPU, 1 free" {
		t.Fatalf("removing b: ok %v, refused %+v", ok, refused)
	}
	if cpu, _, _ := sim.Free("c"); cpu != 3000 {
		t.Errorf("a refused removal changed c: %dm free, want 3000m", cpu)
	}
	if cpu, _, held := sim.Free("b"); !held || cpu != 0 {
		t.Errorf("b: %dm free (held %v), want 0 and still there", cpu, held)
	}
}

func TestMovingReplicasKeepTheirAntiAffinityAmongThemselves(t *testing.T) {
	apart := func(name string) corev1.Pod {
		return avoiding(withApp(pod(name, "100m", "1Mi"), "web"), "web", labelHostname)
	}
	nodes := func(spares ...string) []ExistingNode {
		out := []ExistingNode{node("a", "4", "8Gi", nil, apart("w1"), apart("w2"))}
		for _, s := range spares {
			out = append(out, node(s, "4", "8Gi", nil))
		}
		return out
	}
	moves, _, ok := NewSimulation(nodes("b", "c"), DefaultOptions()).TryRemove("a")
	if want := []Placement{{Pod: key("w1"), Node: "b"}, {Pod: key("w2"), Node: "c"}}; !ok || !reflect.DeepEqual(moves, want) {
		t.Errorf("two spares: %v %v, want %v", moves, ok, want)
	}
	if _, refused, ok := NewSimulation(nodes("b"), DefaultOptions()).TryRemove("a"); ok || refused.Reason != ReasonAntiAffinity {
		t.Errorf("one spare: ok %v, refused %+v; want AntiAffinity", ok, refused)
	}
}

func TestDaemonSetMirrorAndFinishedPodsDoNotMove(t *testing.T) {
	yes := true
	ds := pod("ds", "3", "1Gi")
	ds.OwnerReferences = []metav1.OwnerReference{{Kind: "DaemonSet", Name: "d", Controller: &yes}}
	mirror := pod("static", "3", "1Gi")
	mirror.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "x"}
	done := pod("job", "3", "1Gi")
	done.Status.Phase = corev1.PodSucceeded
	sim := NewSimulation([]ExistingNode{node("a", "4", "8Gi", nil, ds, mirror, done), node("b", "1", "1Gi", nil)}, DefaultOptions())
	if moves, refused, ok := sim.TryRemove("a"); !ok || len(moves) != 0 {
		t.Errorf("moves %v, refused %+v: nothing on a needs a new home", moves, refused)
	}
}

func TestEvacuatePlacesWhatFitsAndReturnsTheRest(t *testing.T) {
	sim := NewSimulation([]ExistingNode{
		node("a", "4", "8Gi", nil, pod("big", "3", "1Gi"), pod("small", "1", "1Gi")),
		node("b", "2", "8Gi", nil),
	}, DefaultOptions())
	moves, refused := sim.Evacuate("a")
	if want := []Placement{{Pod: key("small"), Node: "b"}}; !reflect.DeepEqual(moves, want) || len(refused) != 1 || refused[0].Pod != key("big") {
		t.Fatalf("moves %v refused %+v", moves, refused)
	}
	if _, _, held := sim.Free("a"); held {
		t.Error("an evacuated node is still in the simulation")
	}
}

func TestPodRequestsIsWhatTheSchedulerReserves(t *testing.T) {
	p := pod("p", "250m", "1Gi")
	p.Spec.InitContainers = []corev1.Container{{Name: "i", Resources: corev1.ResourceRequirements{Requests: requests("1", "")}}}
	if cpu, mem := PodRequests(&p.Spec); cpu != 1000 || mem != gi {
		t.Errorf("PodRequests = %d, %d; want 1000, 1Gi", cpu, mem)
	}
}

func TestMovingPodsKeepTheirTopologySpread(t *testing.T) {
	web := func(name string) corev1.Pod { return spreading(withApp(pod(name, "100m", "1Mi"), "web"), labelZone, 1) }
	sim := NewSimulation([]ExistingNode{
		node("a", "4", "8Gi", zone("z1"), web("w1"), web("w2")),
		node("b", "4", "8Gi", zone("z2"), web("w3")),
		node("d", "4", "8Gi", zone("z1")),
	}, DefaultOptions())
	// Without a, z1 holds none and z2 one: w1 on b would make the skew 2, so it goes to d;
	// then w2 may go to b.
	moves, refused, ok := sim.TryRemove("a")
	if want := []Placement{{Pod: key("w1"), Node: "d"}, {Pod: key("w2"), Node: "b"}}; !ok || !reflect.DeepEqual(moves, want) {
		t.Errorf("moves %v (refused %+v), want %v", moves, refused, want)
	}
}

func TestIdenticalPodsMoveInNameOrderWhateverTheInputOrder(t *testing.T) {
	for _, order := range [][]int{{0, 1}, {1, 0}} {
		rs := replicas("web", 2, "1", "1Gi")
		sim := NewSimulation([]ExistingNode{
			node("a", "4", "8Gi", nil, rs[order[0]], rs[order[1]]),
			node("b", "1", "8Gi", nil), node("c", "1", "8Gi", nil),
		}, DefaultOptions())
		moves, _, _ := sim.TryRemove("a")
		if want := []Placement{{Pod: key("web-0"), Node: "b"}, {Pod: key("web-1"), Node: "c"}}; !reflect.DeepEqual(moves, want) {
			t.Errorf("input order %v: moves %v, want %v", order, moves, want)
		}
	}
}
