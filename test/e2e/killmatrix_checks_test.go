//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// groupSampler reads the group every 500 ms while a cell runs: its size (VPSieNodes not
// being deleted) against the bounds its spec has at that moment, and when each of its
// Nodes was first seen cordoned.
type groupSampler struct {
	done       chan struct{}
	wg         sync.WaitGroup
	mu         sync.Mutex
	samples    groupSamples
	start      time.Time
	ns, groupN string
}

// groupSamples is what a sampler saw.
type groupSamples struct {
	count      int
	violations []string
	cordoned   map[string]time.Time
}

func sampleGroup(ns, g string) *groupSampler {
	s := &groupSampler{done: make(chan struct{}), start: time.Now(), ns: ns, groupN: g,
		samples: groupSamples{cordoned: map[string]time.Time{}}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
	return s
}

func (s *groupSampler) sample() {
	ctx := context.Background()
	var ng v1alpha1.NodeGroup
	var vns v1alpha1.VPSieNodeList
	var nodes corev1.NodeList
	if env.kube.Get(ctx, client.ObjectKey{Namespace: s.ns, Name: s.groupN}, &ng) != nil ||
		env.kube.List(ctx, &vns, client.InNamespace(s.ns)) != nil ||
		env.kube.List(ctx, &nodes, client.MatchingLabels{v1alpha1.LabelNodeGroup: s.groupN}) != nil {
		return
	}
	size := 0
	for _, vn := range vns.Items {
		if vn.Spec.NodeGroup == s.groupN && vn.DeletionTimestamp == nil {
			size++
		}
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samples.count++
	if size < int(ng.Spec.MinNodes) || size > int(ng.Spec.MaxNodes) {
		s.samples.violations = append(s.samples.violations, fmt.Sprintf("%d members at +%s (minNodes %d, maxNodes %d)",
			size, now.Sub(s.start).Round(100*time.Millisecond), ng.Spec.MinNodes, ng.Spec.MaxNodes))
	}
	for _, n := range nodes.Items {
		if _, seen := s.samples.cordoned[n.Name]; n.Spec.Unschedulable && !seen {
			s.samples.cordoned[n.Name] = now
		}
	}
}

func (s *groupSampler) stop() groupSamples {
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.samples
}

// evictionLog records the pods of a namespace that the Eviction API deleted: the API
// server marks each with the DisruptionTarget condition, reason EvictionByEvictionAPI.
type evictionLog struct {
	mu      sync.Mutex
	evicted map[string]eviction // by pod UID
}

type eviction struct {
	pod, node string
	created   time.Time
}

func watchEvictions(t *testing.T, ns string) *evictionLog {
	t.Helper()
	l := &evictionLog{evicted: map[string]eviction{}}
	f := informers.NewSharedInformerFactoryWithOptions(env.cs, 0, informers.WithNamespace(ns))
	inf := f.Core().V1().Pods().Informer()
	record := func(obj any) {
		if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = d.Obj
		}
		if p, ok := obj.(*corev1.Pod); ok {
			l.record(p)
		}
	}
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: record,
		UpdateFunc: func(_, obj any) { record(obj) }, DeleteFunc: record}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	f.Start(stop)
	if !cache.WaitForCacheSync(stop, inf.HasSynced) {
		t.Fatal("the pod informer did not sync")
	}
	return l
}

func (l *evictionLog) record(p *corev1.Pod) {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.DisruptionTarget && c.Status == corev1.ConditionTrue && c.Reason == "EvictionByEvictionAPI" {
			l.mu.Lock()
			l.evicted[string(p.UID)] = eviction{pod: p.Name, node: p.Spec.NodeName, created: p.CreationTimestamp.Time}
			l.mu.Unlock()
		}
	}
}

// problems names every eviction of a pod that came to its node after the drain cordoned
// it: the same drain evicting a workload twice. It also returns evictions per node.
func (l *evictionLog) problems(cordoned map[string]time.Time) ([]string, map[string]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	perNode := map[string]int{}
	for _, e := range l.evicted {
		perNode[e.node]++
		if at, ok := cordoned[e.node]; ok && e.created.After(at) {
			out = append(out, fmt.Sprintf("pod %s evicted from %s was created %s after the node was cordoned: evicted twice by one drain",
				e.pod, e.node, e.created.Sub(at).Round(time.Second)))
		}
	}
	slices.Sort(out)
	return out, perNode
}

// checkInvariants returns what is wrong after a cell converged: duplicate or orphan VPSs,
// orphan Nodes, pods evicted twice, bounds left, a workflow not finished exactly once or
// with other steps than the matrix knows.
func checkInvariants(t *testing.T, tc sdkclient.Client, sc *scenario, ns, g, id string, samples groupSamples, ev *evictionLog) []string {
	t.Helper()
	out := vpsProblems(t, ns, g)
	out = append(out, orphanNodes(t, ns, g)...)
	evicted, perNode := ev.problems(samples.cordoned)
	out = append(out, evicted...)
	t.Logf("%d samples of the group; evictions per node %v", samples.count, perNode)
	if n := len(samples.violations); n > 0 {
		out = append(out, fmt.Sprintf("group out of bounds in %d of %d samples, first %s", n, samples.count, samples.violations[0]))
	}
	// The run may still take its last steps after the group's end state shows (a rebalance's
	// verification and clean-up): seconds each on two loaded cores.
	if err := waitFor(2*time.Minute, func() error { return finishedOnce(tc, id) }); err != nil {
		out = append(out, err.Error())
	}
	if err := oneRun(tc, sc, ns, g); err != nil {
		out = append(out, err.Error())
	}
	steps, err := historySteps(context.Background(), tc, id)
	switch {
	case err != nil:
		out = append(out, fmt.Sprintf("reading the history of %s: %v", id, err))
	case len(steps) > len(sc.steps):
		out = append(out, fmt.Sprintf("%s has %d steps %v, more than the %d the matrix knows %v: add them to the scenario",
			id, len(steps), steps, len(sc.steps), sc.steps))
	case !slices.Equal(steps, sc.steps):
		out = append(out, fmt.Sprintf("%s ran steps %v, the matrix knows %v", id, steps, sc.steps))
	}
	return out
}

// vpsProblems: a hostname of the group created more than once, or a live VPS of the group
// without its VPSieNode.
func vpsProblems(t *testing.T, ns, g string) []string {
	t.Helper()
	prefix := "e2e-" + g + "-"
	st := env.sim.Snapshot()
	hosts := map[string]bool{}
	for _, vn := range vpsieNodes(t, ns) {
		hosts[vn.Spec.Hostname] = true
	}
	var out []string
	for h, n := range st.CreatesByHostname {
		if strings.HasPrefix(h, prefix) && n > 1 {
			out = append(out, fmt.Sprintf("duplicate VPS: %s created %d times", h, n))
		}
	}
	for _, vm := range st.VMs {
		if strings.HasPrefix(vm.VM.Hostname, prefix) && !hosts[vm.VM.Hostname] {
			out = append(out, fmt.Sprintf("orphan VPS: %s (%s) has no VPSieNode", vm.VM.Hostname, vm.VM.Status))
		}
	}
	slices.Sort(out)
	return out
}

// orphanNodes: a Node of the group (labelled so, or named after it before it was labelled)
// without its VPSieNode.
func orphanNodes(t *testing.T, ns, g string) []string {
	t.Helper()
	var nodes corev1.NodeList
	if err := env.kube.List(context.Background(), &nodes); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, vn := range vpsieNodes(t, ns) {
		names[vn.Status.NodeName], names[vn.Spec.Hostname] = true, true
	}
	var out []string
	for _, n := range nodes.Items {
		ours := n.Labels[v1alpha1.LabelNodeGroup] == g || strings.HasPrefix(n.Name, "e2e-"+g+"-")
		if ours && !names[n.Name] {
			out = append(out, "orphan Node: "+n.Name+" has no VPSieNode")
		}
	}
	return out
}

// oneRun checks that the group has one workflow of the scenario's operation: a restarted
// autoscaler attached to the run it found instead of starting another one (of another ID).
func oneRun(tc sdkclient.Client, sc *scenario, ns, g string) error {
	if sc.operation == "" {
		return nil
	}
	ids, err := listRuns(tc, fmt.Sprintf("NodeGroup = '%s/%s' AND Operation = '%s'", ns, g, sc.operation))
	if err != nil {
		return err
	}
	if slices.Sort(ids); len(slices.Compact(ids)) != 1 {
		return fmt.Errorf("the group has %s runs %v, want one", sc.operation, slices.Compact(ids))
	}
	return nil
}
