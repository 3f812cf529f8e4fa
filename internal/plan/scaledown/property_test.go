package scaledown

import (
	"math/rand"
	"reflect"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

const propertyRuns = 200

// Replays every drain's moves on the snapshot, independently of the simulation: every pod a
// drained node had to move ends on a node that stays, is schedulable and matches the pod's
// node selector, and no node that stays ends over its allocatable CPU, memory or pod slots,
// or with two pods of one app that keep apart by hostname. It would fail if the planner
// counted the free room of one node for two drains.
func TestPropertyEveryChosenNodesPodsFitOnTheNodesThatStay(t *testing.T) {
	chose := 0
	for seed := int64(1); seed <= propertyRuns; seed++ {
		s, o := genSnapshot(rand.New(rand.NewSource(seed)))
		r := Plan(s, o)
		chose += len(r.Drains)
		checkMoves(t, seed, s, r)
	}
	if chose < propertyRuns {
		t.Errorf("only %d drains in %d runs: the generator does not exercise the planner", chose, propertyRuns)
	}
}

func TestPropertySameSnapshotSamePlanWhateverTheOrder(t *testing.T) {
	for seed := int64(1); seed <= propertyRuns; seed++ {
		r := rand.New(rand.NewSource(seed))
		s, o := genSnapshot(r)
		want := Plan(s, o)
		r.Shuffle(len(s.Nodes), func(i, j int) { s.Nodes[i], s.Nodes[j] = s.Nodes[j], s.Nodes[i] })
		r.Shuffle(len(s.VPSieNodes), func(i, j int) { s.VPSieNodes[i], s.VPSieNodes[j] = s.VPSieNodes[j], s.VPSieNodes[i] })
		r.Shuffle(len(s.PDBs), func(i, j int) { s.PDBs[i], s.PDBs[j] = s.PDBs[j], s.PDBs[i] })
		for i := range s.Nodes {
			pods := s.Nodes[i].Pods
			r.Shuffle(len(pods), func(a, b int) { pods[a], pods[b] = pods[b], pods[a] })
		}
		if got := Plan(s, o); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: shuffled input gives\n%+v\nwant\n%+v", seed, got, want)
		}
	}
}

func checkMoves(t *testing.T, seed int64, s Snapshot, r Result) {
	t.Helper()
	nodes := map[string]*corev1.Node{}
	where := map[types.NamespacedName]string{}
	pods := map[types.NamespacedName]*corev1.Pod{}
	for i := range s.Nodes {
		en := &s.Nodes[i]
		nodes[en.Node.Name] = en.Node
		for j := range en.Pods {
			p := en.Pods[j]
			name := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
			where[name], pods[name] = en.Node.Name, p
		}
	}
	gone := map[string]bool{}
	for _, d := range r.Drains {
		gone[d.Node] = true
		for _, m := range d.Moves {
			if where[m.Pod] != d.Node {
				t.Fatalf("seed %d: %s moves %s, which is on %s", seed, d.Node, m.Pod, where[m.Pod])
			}
			where[m.Pod] = m.Node
		}
		for _, p := range d.Pods {
			if where[p] == d.Node {
				t.Fatalf("seed %d: drain of %s leaves pod %s without a new node", seed, d.Node, p)
			}
		}
	}
	type use struct{ cpu, mem, pods int64 }
	used := map[string]use{}
	apps := map[string]map[string]bool{}
	for name, node := range where {
		p := pods[name]
		if gone[node] {
			if schedsim.NeedsNewHome(p) {
				t.Fatalf("seed %d: pod %s stays on drained node %s", seed, name, node)
			}
			continue
		}
		cpu, mem := schedsim.PodRequests(&p.Spec)
		u := used[node]
		used[node] = use{u.cpu + cpu, u.mem + mem, u.pods + 1}
		if p.Spec.NodeName == node {
			continue // bound where it was: nothing to check beyond the room it takes
		}
		n := nodes[node]
		if n.Spec.Unschedulable {
			t.Fatalf("seed %d: pod %s moved to cordoned node %s", seed, name, node)
		}
		for k, v := range p.Spec.NodeSelector {
			if n.Labels[k] != v {
				t.Fatalf("seed %d: pod %s moved to %s, which lacks %s=%s", seed, name, node, k, v)
			}
		}
	}
	for name, node := range where {
		p := pods[name]
		if gone[node] || p.Spec.Affinity == nil {
			continue
		}
		if apps[node] == nil {
			apps[node] = map[string]bool{}
		}
		if app := p.Labels["app"]; apps[node][app] {
			t.Fatalf("seed %d: two pods of %s, which keep apart, end on %s", seed, app, node)
		} else {
			apps[node][app] = true
		}
	}
	for node, u := range used {
		alloc := nodes[node].Status.Allocatable
		if u.cpu > alloc.Cpu().MilliValue() || u.mem > alloc.Memory().Value() || u.pods > alloc.Pods().Value() {
			t.Fatalf("seed %d: %s ends with %+v of %v", seed, node, u, alloc)
		}
	}
}

// genSnapshot is a random cluster: a few groups of managed nodes, a few unmanaged ones, some
// cordoned, labelled tier a or b; pods of random size, some selecting their node's tier, some
// keeping apart from their own app by hostname; some budgets; most nodes below thresholds.
func genSnapshot(r *rand.Rand) (Snapshot, Options) {
	var gs []*v1alpha1.NodeGroup
	var nodes []schedsim.ExistingNode
	seq := 0
	newPods := func(alloc int64) []corev1.Pod {
		var out []corev1.Pod
		apart := map[string]bool{}
		for range r.Intn(5) {
			cpu := int64(100 * (1 + r.Intn(15)))
			if cpu > alloc {
				break
			}
			alloc -= cpu
			seq++
			app := "app" + strconv.Itoa(r.Intn(6))
			p := withApp(pod("p"+strconv.Itoa(seq), strconv.FormatInt(cpu, 10)+"m", strconv.Itoa(64*(1+r.Intn(16)))+"Mi"), app)
			switch r.Intn(6) {
			case 0:
				p.Spec.NodeSelector = map[string]string{"tier": "?"} // set to the node's tier below
			case 1:
				if apart[app] {
					break // a second one here would break its own rule from the start
				}
				apart[app] = true
				p.Spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
					RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
						TopologyKey: corev1.LabelHostname, LabelSelector: appIs(app)}}}}
			case 2:
				p = daemonPod("ds-" + strconv.Itoa(seq))
			}
			out = append(out, p)
		}
		return out
	}
	addNode := func(en schedsim.ExistingNode) {
		tier := []string{"a", "b"}[r.Intn(2)]
		en.Node.Labels["tier"] = tier
		en.Node.Spec.Unschedulable = r.Intn(10) == 0
		en.Node.CreationTimestamp = metav1.NewTime(now.Add(-time.Duration(1+r.Intn(48)) * time.Hour))
		for i := range en.Pods {
			if en.Pods[i].Spec.NodeSelector != nil {
				en.Pods[i].Spec.NodeSelector["tier"] = tier
			}
		}
		nodes = append(nodes, en)
	}
	for gi := range 1 + r.Intn(3) {
		name := "g" + strconv.Itoa(gi)
		gs = append(gs, nodeGroup(name, int32(r.Intn(3)), 100))
		for ni := range 3 + r.Intn(10) {
			cores := int64(2 + r.Intn(7))
			addNode(node(name+"-n"+strconv.Itoa(ni), name, strconv.FormatInt(cores, 10), strconv.FormatInt(4*cores, 10)+"Gi", newPods(cores*1000)...))
		}
	}
	for ui := range r.Intn(3) {
		addNode(unmanaged("u"+strconv.Itoa(ui), "4", "16Gi", newPods(4000)...))
	}
	s := snapshot(gs, nodes...)
	for _, n := range nodes { // in order, so a seed always gives the same snapshot
		if managed(n.Node) {
			s.Utilization[n.Node.Name] = Utilization{Below: r.Intn(10) < 7, Empty: r.Intn(3) == 0, Detail: "busy"}
		}
	}
	for i := range r.Intn(4) {
		s.PDBs = append(s.PDBs, pdb("b"+strconv.Itoa(i), appIs("app"+strconv.Itoa(r.Intn(6))), int32(r.Intn(3))))
	}
	o := DefaultOptions()
	o.MaxParallelDrains = int32(1 + r.Intn(5))
	return s, o
}
