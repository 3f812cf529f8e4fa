package schedoracle

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/nodelabels"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

var (
	seeds     = flag.Int("oracle.seeds", 50, "random workloads to run")
	firstSeed = flag.Int("oracle.first", 1, "the first seed")
	rounds    = flag.Int("oracle.rounds", -1, "scheduler replay rounds of the plan; -1 keeps the product's default")
)

// TestPlannerAgreesWithKubeScheduler plans random workloads on an empty cluster, creates
// the planned nodes as the product makes them, lets the real kube-scheduler place the pods,
// then asks the planner again on what the scheduler left. A pending pod the planner says
// fits a node that exists fails the test: the product would wait for it forever. Pods the
// plan placed but the scheduler did not (they wait for a second round) and pods the planner
// refused but the scheduler placed are reported.
func TestPlannerAgreesWithKubeScheduler(t *testing.T) {
	c := newCluster(t)
	ctx := context.Background()
	opts := planOptions()
	var runs []*run
	var nodes []*corev1.Node
	var pods []*corev1.Pod
	for seed := *firstSeed; seed < *firstSeed+*seeds; seed++ {
		r := &run{w: newWorld(seed)}
		r.first = scaleup.Plan(r.snapshot(nil, r.w.pods), opts)
		r.nodes = plannedNodes(r.w, r.first, opts)
		runs = append(runs, r)
		nodes = append(nodes, r.nodes...)
		pods = append(pods, r.w.pods...)
		if _, err := c.cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: r.w.ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if err := parallel(nodes, func(n *corev1.Node) error { return c.createNode(ctx, n) }); err != nil {
		t.Fatal(err)
	}
	created := time.Since(start)
	if err := parallel(pods, func(p *corev1.Pod) error {
		_, err := c.cs.CoreV1().Pods(p.Namespace).Create(ctx, p, metav1.CreateOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("pods created after %s", time.Since(start).Round(time.Millisecond))
	if err := c.settle(ctx, "oracle=pod", 2*time.Second, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d nodes created in %s, %d pods created and scheduled in %s", len(nodes), created.Round(time.Millisecond),
		len(pods), (time.Since(start) - created).Round(time.Millisecond))
	st, err := c.state(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sum tally
	for _, r := range runs {
		sum.add(r.judge(t, st, opts))
	}
	msgs := disagreements(runs, st, opts, &sum)
	if len(msgs) > 0 {
		// The scheduler retries a pod another binding made schedulable within its backoff;
		// on a loaded machine that can outlast the quiet time. A real disagreement stays.
		t.Logf("%d disagreements; looking again once the scheduler has been quiet for 10 s", len(msgs))
		if err := c.settle(ctx, "oracle=pod", 10*time.Second, time.Minute); err != nil {
			t.Fatal(err)
		}
		if st, err = c.state(ctx); err != nil {
			t.Fatal(err)
		}
		msgs = disagreements(runs, st, opts, &sum)
	}
	for _, m := range msgs {
		t.Error(m)
	}
	t.Logf("summary: %d seeds, %d pods, %d planned nodes; the plan placed %d pods, %d of them not bound by the scheduler (%.1f %%); "+
		"%d pods refused by the planner were bound; %d pending pods the planner says fit an existing node (%d with the NodeGroups); "+
		"a second round buys %d nodes",
		len(runs), sum.pods, sum.nodes, sum.placed, sum.placedNotBound, 100*float64(sum.placedNotBound)/float64(max(sum.placed, 1)),
		sum.refusedButBound, sum.pendingButFits, sum.pendingButFitsGroups, sum.secondRound)
	for _, kind := range sortedKeys(sum.notBoundBy) {
		t.Logf("placed, not bound: %d pods of apps with %s", sum.notBoundBy[kind], kind)
	}
}

func disagreements(runs []*run, st *state, opts scaleup.Options, sum *tally) []string {
	var all []string
	sum.pendingButFits, sum.pendingButFitsGroups, sum.secondRound = 0, 0, 0
	for _, r := range runs {
		msgs, alone, grouped, bought := r.disagreements(st, opts)
		all = append(all, msgs...)
		sum.pendingButFits += alone
		sum.pendingButFitsGroups += grouped
		sum.secondRound += bought
	}
	return all
}

func planOptions() scaleup.Options {
	o := scaleup.DefaultOptions()
	o.Options = nodetemplate.Model(config.Default().ScaleUp)
	if *rounds >= 0 {
		o.SchedulerRounds = *rounds
	}
	return o
}

// run is one seed: its world, the first plan, the nodes made from it and what the
// scheduler did.
type run struct {
	w     *world
	first scaleup.Result
	nodes []*corev1.Node
}

func (r *run) snapshot(existing []scaleup.ExistingNode, pending []*corev1.Pod) scaleup.Snapshot {
	return scaleup.Snapshot{Now: time.Now(), Nodes: existing, Pending: pending, NodeGroups: r.w.groups,
		Offerings: r.w.offerings, Datacenters: dcs}
}

// plannedNodes are the plan's nodes as the product registers them: the labels of the user
// data and the kubelet, the group's taints, the planner's own allocatable; Ready.
func plannedNodes(w *world, res scaleup.Result, opts scaleup.Options) []*corev1.Node {
	var out []*corev1.Node
	for _, in := range res.Intents {
		ng := groupNamed(w, in.NodeGroup.Name)
		off := offeringNamed(w, in.Offering)
		alloc := opts.NodeResources(&off)
		for i := range int(in.Count) {
			name := fmt.Sprintf("s%s-%s-%s-%s-%d", w.seed, ng.Name, in.Datacenter, off.ID, i)
			labels := nodelabels.Node(nodelabels.Group{Name: ng.Name, Labels: ng.Spec.Labels}, off.ID, in.Datacenter, name)
			for k, v := range nodelabels.Kubelet(name) {
				labels[k] = v
			}
			out = append(out, &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
				Spec:       corev1.NodeSpec{Taints: ng.Spec.Taints},
				Status: corev1.NodeStatus{
					Capacity: corev1.ResourceList{corev1.ResourceCPU: *resource.NewMilliQuantity(off.CPUMilli, resource.DecimalSI),
						corev1.ResourceMemory:           *resource.NewQuantity(off.MemoryBytes, resource.BinarySI),
						corev1.ResourceEphemeralStorage: *resource.NewQuantity(off.DiskBytes, resource.BinarySI),
						corev1.ResourcePods:             *resource.NewQuantity(alloc.Pods, resource.DecimalSI)},
					Allocatable: corev1.ResourceList{corev1.ResourceCPU: *resource.NewMilliQuantity(alloc.CPU, resource.DecimalSI),
						corev1.ResourceMemory:           *resource.NewQuantity(alloc.Memory, resource.BinarySI),
						corev1.ResourceEphemeralStorage: *resource.NewQuantity(alloc.Storage, resource.BinarySI),
						corev1.ResourcePods:             *resource.NewQuantity(alloc.Pods, resource.DecimalSI)},
					Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
						LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}},
				},
			})
		}
	}
	return out
}

func groupNamed(w *world, name string) *v1alpha1.NodeGroup {
	for _, g := range w.groups {
		if g.Name == name {
			return g
		}
	}
	panic("no group " + name)
}

func offeringNamed(w *world, id string) scaleup.Offering {
	for _, o := range w.offerings {
		if o.ID == id {
			return o
		}
	}
	panic("no offering " + id)
}

// state is what the scheduler left: every node of every seed with the pods bound to it, and
// each seed's pending pods. The planner is asked again with all the nodes, as it would be in
// a cluster: a spread with nodeAffinityPolicy Ignore counts the domains of every node, the
// other seeds' too, although its pods can only go to their own seed's nodes.
type state struct {
	nodes   []scaleup.ExistingNode
	pending map[string][]*corev1.Pod        // by namespace
	boundTo map[types.NamespacedName]string // pod → node
}

func (c *cluster) state(ctx context.Context) (*state, error) {
	pods, err := c.cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: "oracle=pod"})
	if err != nil {
		return nil, err
	}
	st := &state{pending: map[string][]*corev1.Pod{}, boundTo: map[types.NamespacedName]string{}}
	byNode := map[string][]*corev1.Pod{}
	for i := range pods.Items {
		p := &pods.Items[i]
		if p.Spec.NodeName == "" {
			st.pending[p.Namespace] = append(st.pending[p.Namespace], p)
			continue
		}
		byNode[p.Spec.NodeName] = append(byNode[p.Spec.NodeName], p)
		st.boundTo[types.NamespacedName{Namespace: p.Namespace, Name: p.Name}] = p.Spec.NodeName
	}
	nodes, err := c.cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: seedLabel})
	if err != nil {
		return nil, err
	}
	for i := range nodes.Items {
		n := &nodes.Items[i]
		st.nodes = append(st.nodes, scaleup.ExistingNode{Node: n, Pods: byNode[n.Name]})
	}
	return st, nil
}

type tally struct {
	pods, nodes, placed, placedNotBound, refusedButBound, pendingButFits, pendingButFitsGroups int
	// secondRound is the nodes the planner buys when asked again on what the scheduler left: what the pods
	// placed but not bound cost in a second round.
	secondRound int
	notBoundBy  map[string]int // by the features of the pods' app
}

func (s *tally) add(o tally) {
	s.pods += o.pods
	s.nodes += o.nodes
	s.placed += o.placed
	s.placedNotBound += o.placedNotBound
	s.refusedButBound += o.refusedButBound
	s.pendingButFits += o.pendingButFits
	s.pendingButFitsGroups += o.pendingButFitsGroups
	for k, v := range o.notBoundBy {
		if s.notBoundBy == nil {
			s.notBoundBy = map[string]int{}
		}
		s.notBoundBy[k] += v
	}
}

// judge compares the first plan with what the scheduler did.
func (r *run) judge(t *testing.T, st *state, opts scaleup.Options) tally {
	t.Helper()
	out := tally{pods: len(r.w.pods), nodes: len(r.nodes)}
	// Replicas are interchangeable: the scheduler may bind a0-1 where the plan put a0-0. So
	// the plan and the scheduler are compared per app, by how many of its pods each placed.
	placed, bound := map[string]int{}, map[string]int{}
	for _, in := range r.first.Intents {
		for _, p := range in.Pods {
			placed[appOf(p.Name)]++
			out.placed++
		}
	}
	for p := range st.boundTo {
		if p.Namespace == r.w.ns {
			bound[appOf(p.Name)]++
		}
	}
	var short []string
	for _, app := range sortedKeys(placed, bound) {
		switch d := placed[app] - bound[app]; {
		case d > 0:
			out.placedNotBound += d
			kind := features(r.w, app)
			short = append(short, fmt.Sprintf("%s %d (%s)", app, d, kind))
			if out.notBoundBy == nil {
				out.notBoundBy = map[string]int{}
			}
			out.notBoundBy[kind] += d
		case d < 0:
			out.refusedButBound -= d
			t.Logf("%s: the scheduler bound %d more pods of %s than the plan placed: %s", r.w.ns, -d, app, describe(r.w, app+"-0"))
		}
	}
	if len(short) > 0 {
		t.Logf("%s: placed by the plan, not bound, per app: %s", r.w.ns, strings.Join(short, ", "))
	}
	return out
}

// disagreements asks the planner again on what the scheduler left: once with the cluster
// alone (no NodeGroups, so nothing can be bought: exactly the state the scheduler gave up on)
// and once as the product would, with the NodeGroups. Each pending pod it says fits an
// existing node is one message; alone and grouped count them.
func (r *run) disagreements(st *state, opts scaleup.Options) (msgs []string, alone, grouped, bought int) {
	snap := r.snapshot(st.nodes, st.pending[r.w.ns])
	snap.NodeGroups = nil
	for _, pl := range scaleup.Plan(snap, opts).Existing {
		alone++
		msgs = append(msgs, fmt.Sprintf("%s: %s is pending but the planner says it fits %s: %s", r.w.ns, pl.Pod.Name, pl.Node, describe(r.w, pl.Pod.Name)))
	}
	again := scaleup.Plan(r.snapshot(st.nodes, st.pending[r.w.ns]), opts)
	for _, pl := range again.Existing {
		grouped++
		msgs = append(msgs, fmt.Sprintf("%s: %s is pending but the planner (with the NodeGroups, %d new nodes) says it fits %s: %s",
			r.w.ns, pl.Pod.Name, again.NewNodes(), pl.Node, describe(r.w, pl.Pod.Name)))
	}
	return msgs, alone, grouped, int(again.NewNodes())
}

// appOf is the app a pod name belongs to (the generator names pods app-index).
func appOf(pod string) string { return pod[:strings.LastIndexByte(pod, '-')] }

func sortedKeys(maps ...map[string]int) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range maps {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// features names the scheduling constraints of an app's pods that make them interact: the
// kinds of pod the plan and the scheduler place differently.
func features(w *world, app string) string {
	for _, p := range w.pods {
		if appOf(p.Name) != app {
			continue
		}
		var f []string
		if a := p.Spec.Affinity; a != nil && a.PodAffinity != nil {
			f = append(f, "pod affinity on "+a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].TopologyKey)
		}
		if a := p.Spec.Affinity; a != nil && a.PodAntiAffinity != nil {
			f = append(f, "anti-affinity on "+a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].TopologyKey)
		}
		for _, c := range p.Spec.TopologySpreadConstraints {
			f = append(f, "spread on "+c.TopologyKey)
		}
		if len(p.Spec.Containers[0].Ports) > 0 {
			f = append(f, "host port")
		}
		if len(f) == 0 {
			return "no inter-pod constraint"
		}
		return strings.Join(f, ", ")
	}
	return "?"
}

// describe renders what a pod asks of the scheduler, for the log.
func describe(w *world, name string) string {
	for _, p := range w.pods {
		if p.Name == name {
			s := p.Spec
			return fmt.Sprintf("requests %v, init %d, selector %v, affinity %s, tolerations %v, spread %v, ports %v",
				s.Containers[0].Resources.Requests, len(s.InitContainers), s.NodeSelector, s.Affinity.String(), s.Tolerations,
				s.TopologySpreadConstraints, s.Containers[0].Ports)
		}
	}
	return "?"
}
