//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// rbGroup is a group of two std-8c-16g nodes (minNodes 2) that scale-down leaves alone, with
// the strategy, maxUnavailable 1 and maxSurge 1; automatic rebalancing stays off (the tests
// annotate rebalance=now).
func rbGroup(ns, name string, strategy v1alpha1.RebalanceStrategy) *v1alpha1.NodeGroup {
	g := group(ns, name, dearOffering)
	g.Spec.MinNodes = 2
	g.Spec.ScaleDownPolicy.Enabled = ptr.To(false)
	g.Spec.RebalancePolicy = v1alpha1.RebalancePolicy{Strategy: strategy, MaxUnavailable: 1, MaxSurge: 1,
		CooldownSeconds: ptr.To[int32](0)}
	return g
}

// rbWorkload runs two web pods spread over the group's two nodes (required anti-affinity)
// under a PodDisruptionBudget of minAvailable 1, waits for both nodes and pods, and returns
// the nodes.
func rbWorkload(t *testing.T, ns, name string) []string {
	t.Helper()
	return rbWorkloadWithBudget(t, ns, name, 1)
}

// rbWorkloadWithBudget is rbWorkload with the budget's minAvailable.
func rbWorkloadWithBudget(t *testing.T, ns, name string, minAvailable int32) []string {
	t.Helper()
	d := deployment(ns, podShape{name: "web", cpu: "500m", memory: "256Mi", replicas: 2, selector: map[string]string{"workload": name}})
	d.Spec.Template.Spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{TopologyKey: corev1.LabelHostname,
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}}}}
	keep := intstr.FromInt32(minAvailable)
	pdb := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"},
		Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: &keep,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}}
	create(t, pdb, d)
	eventually(t, 3*time.Minute, "two pods running on two Ready nodes", func() error {
		if err := readyMembers(ns, name, 2); err != nil {
			return err
		}
		return running(ns, 2)
	})
	// The disruption controller counts the pods a moment later; until then the budget allows
	// fewer evictions than its minAvailable says, and the analyzer (like the eviction API)
	// goes by the budget's status: a blue-green plan would leave a node out.
	eventually(t, time.Minute, "the budget counting both pods", func() error {
		var got policyv1.PodDisruptionBudget
		if err := env.kube.Get(context.Background(), client.ObjectKeyFromObject(pdb), &got); err != nil {
			return err
		}
		if st := got.Status; st.ObservedGeneration < got.Generation || st.CurrentHealthy != 2 || st.DisruptionsAllowed != 2-minAvailable {
			return fmt.Errorf("budget status %+v", st)
		}
		return nil
	})
	nodes := groupNodes(t, ns, name)
	if len(nodes) != 2 {
		t.Fatalf("group %s has nodes %v, want 2", name, nodes)
	}
	return nodes
}

// rbAllowCheaperAndAnnotate allows std-2c-4g in the group and asks for a rebalance now.
func rbAllowCheaperAndAnnotate(t *testing.T, ns, name string) {
	t.Helper()
	kubectl(t, "-n", ns, "patch", "nodegroup", name, "--type=merge", "-p",
		`{"spec":{"offeringIDs":["`+dearOffering+`","`+cheapOffering+`"]}}`)
	kubectl(t, "-n", ns, "annotate", "nodegroup", name, "--overwrite", v1alpha1.AnnotationRebalance+"="+v1alpha1.RebalanceNow)
}

func rbNodeGroup(t *testing.T, ns, name string) *v1alpha1.NodeGroup {
	t.Helper()
	var ng v1alpha1.NodeGroup
	if err := env.kube.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &ng); err != nil {
		t.Fatal(err)
	}
	return &ng
}

func rbStatus(t *testing.T, ns, name string) *v1alpha1.NodeGroupRebalanceStatus {
	t.Helper()
	return rbNodeGroup(t, ns, name).Status.Rebalance
}

func rbAnnotation(t *testing.T, ns, name string) string {
	t.Helper()
	return rbNodeGroup(t, ns, name).Annotations[v1alpha1.AnnotationRebalance]
}

func rbPhase(t *testing.T, ns, name string) string {
	t.Helper()
	if st := rbStatus(t, ns, name); st != nil {
		return fmt.Sprintf("phase %s, %d of %d batches", st.Phase, st.BatchesDone, st.BatchesTotal)
	}
	return "no status.rebalance yet"
}

// rbWaitOutcome waits until status.rebalance reports the outcome (failing at once on another).
func rbWaitOutcome(t *testing.T, ns, name, outcome string, limit time.Duration) *v1alpha1.NodeGroupRebalanceStatus {
	t.Helper()
	var st *v1alpha1.NodeGroupRebalanceStatus
	eventually(t, limit, "rebalance "+outcome, func() error {
		st = rbStatus(t, ns, name)
		switch {
		case st == nil:
			// Say why no run started: the annotation left and the controller's events.
			return fmt.Errorf("no status.rebalance; annotation %q; events %s; %s", rbAnnotation(t, ns, name), rbEvents(ns, name),
				rbBudgets(ns))
		case st.Outcome == "":
			return fmt.Errorf("status.rebalance %+v", *st)
		case st.Outcome != outcome:
			t.Fatalf("rebalance ended %s, want %s: %+v", st.Outcome, outcome, *st)
		}
		return nil
	})
	if ng := rbNodeGroup(t, ns, name); ng.Status.LastRebalanceTime == nil {
		t.Errorf("no status.lastRebalanceTime after the run")
	}
	return st
}

// logLoops logs, when the test failed, the autoscaler's loop metrics: whether its passes
// still run.
func logLoops(t *testing.T, as *testproc.Process) {
	if !t.Failed() {
		return
	}
	t.Logf("now %d", time.Now().Unix())
	for _, line := range strings.Split(scrape(t, as), "\n") {
		if strings.HasPrefix(line, "vpsie_autoscaler_loop_") {
			t.Log(line)
		}
	}
}

// rbEvents are the group's Rebalance* events, for a failure's message.
func rbEvents(ns, name string) string {
	var evs corev1.EventList
	if err := env.kube.List(context.Background(), &evs, client.InNamespace(ns)); err != nil {
		return err.Error()
	}
	var out []string
	for _, e := range evs.Items {
		if e.InvolvedObject.Name == name && strings.HasPrefix(e.Reason, "Rebalance") {
			out = append(out, e.Reason+": "+e.Message)
		}
	}
	return fmt.Sprintf("%q", out)
}

// rbBudgets are the namespace's budgets and pods as the disruption controller sees them, for a
// failure's message.
func rbBudgets(ns string) string {
	var pdbs policyv1.PodDisruptionBudgetList
	var pods corev1.PodList
	if err := env.kube.List(context.Background(), &pdbs, client.InNamespace(ns)); err != nil {
		return err.Error()
	}
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns)); err != nil {
		return err.Error()
	}
	var out []string
	for _, b := range pdbs.Items {
		out = append(out, fmt.Sprintf("budget %s: generation %d, status %+v", b.Name, b.Generation, b.Status))
	}
	for _, p := range pods.Items {
		out = append(out, fmt.Sprintf("pod %s on %s: %s %+v", p.Name, p.Spec.NodeName, p.Status.Phase, p.Status.Conditions))
	}
	return strings.Join(out, "; ")
}

// rbCheckMoved checks that the group has n Ready std-2c-4g members and none of its old nodes,
// with both pods running, and that every old VPS was deleted once.
func rbCheckMoved(t *testing.T, ns, name string, before []string, n int) {
	t.Helper()
	eventually(t, time.Minute, "only cheap members, pods running", func() error {
		if err := rbOnly(t, ns, name, cheapOffering, n); err != nil {
			return err
		}
		return running(ns, 2)
	})
	now := groupNodes(t, ns, name)
	for _, old := range before {
		if contains(strings.Join(now, ","), old) {
			t.Errorf("old node %s is still in the group %v", old, now)
		}
	}
	deletedOnce(t, before)
	rbNoExtraVPS(t, name, n)
	t.Logf("group %s: %v (%s) → %v (%s)", name, before, dearOffering, now, cheapOffering)
}

// rbOnly checks that the group's members are exactly n Ready VPSieNodes of offering.
func rbOnly(t *testing.T, ns, name, offering string, n int) error {
	var got []string
	for _, vn := range vpsieNodes(t, ns) {
		if vn.Spec.NodeGroup == name {
			got = append(got, vn.Name+"="+vn.Spec.OfferingID+"/"+string(vn.Status.Phase))
			if vn.Spec.OfferingID != offering || vn.Status.Phase != v1alpha1.PhaseReady || vn.DeletionTimestamp != nil {
				return fmt.Errorf("members %v, want %d Ready %s", got, n, offering)
			}
		}
	}
	if len(got) != n {
		return fmt.Errorf("members %v, want %d Ready %s", got, n, offering)
	}
	return nil
}

// rbNoExtraVPS checks that the simulator holds exactly n live VPSs of the group, each
// created once.
func rbNoExtraVPS(t *testing.T, name string, n int) {
	t.Helper()
	prefix := "e2e-" + name + "-"
	eventually(t, 30*time.Second, "no extra VPS of "+name, func() error {
		st := env.sim.Snapshot()
		var live []string
		for _, vm := range st.VMs {
			if strings.HasPrefix(vm.VM.Hostname, prefix) {
				live = append(live, vm.VM.Hostname+"="+vm.VM.Status)
				if c := st.Creates(vm.VM.Hostname); c != 1 {
					return fmt.Errorf("VPS %s created %d times", vm.VM.Hostname, c)
				}
			}
		}
		sort.Strings(live)
		if len(live) != n {
			return fmt.Errorf("live VPSs %v, want %d", live, n)
		}
		return nil
	})
}

// rbRuns counts the runs of the group's rebalance workflow.
func rbRuns(t *testing.T, ns, name string) int {
	t.Helper()
	return runsOf(t, contract.RebalanceWorkflowID(ns, name))
}

// rbMetric is the value of the scraped series named with its labels.
func rbMetric(metrics, series string) (float64, bool) {
	for _, line := range strings.Split(metrics, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

func rbMoney(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// groupWatch samples a group every 100 ms: the most of its size nodes missing at once (not
// Ready, cordoned or gone) and the fewest running pods of the app.
type groupWatch struct {
	stopOnce sync.Once
	done     chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	gone     int
	minPods  int
}

func watchGroup(ns, name, app string, size int) *groupWatch {
	w := &groupWatch{done: make(chan struct{}), minPods: size}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for {
			select {
			case <-w.done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			ready, pods, err := groupSample(ns, name, app)
			if err != nil {
				continue
			}
			w.mu.Lock()
			w.gone, w.minPods = max(w.gone, size-ready), min(w.minPods, pods)
			w.mu.Unlock()
		}
	}()
	return w
}

func (w *groupWatch) stop() (gone, minPods int) {
	w.stopOnce.Do(func() { close(w.done) })
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gone, w.minPods
}

// groupSample counts the group's schedulable Ready nodes and the app's running pods.
func groupSample(ns, name, app string) (ready, pods int, err error) {
	ctx := context.Background()
	var nodes corev1.NodeList
	if err := env.kube.List(ctx, &nodes, client.MatchingLabels{v1alpha1.LabelNodeGroup: name}); err != nil {
		return 0, 0, err
	}
	for _, n := range nodes.Items {
		if n.Spec.Unschedulable || n.DeletionTimestamp != nil {
			continue
		}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				ready++
			}
		}
	}
	var list corev1.PodList
	if err := env.kube.List(ctx, &list, client.InNamespace(ns), client.MatchingLabels{"app": app}); err != nil {
		return 0, 0, err
	}
	for _, p := range list.Items {
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			pods++
		}
	}
	return ready, pods, nil
}
