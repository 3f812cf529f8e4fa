//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// scaleDownFlags shorten scale-down for the tests: a pass every 2 s, empty nodes after
// 10 s, a drain given 60 s, and nodes sampled from 5 s of age (the scale-up's unused-node
// grace). The groups' stabilization window is 10 s (sdGroup).
var scaleDownFlags = []string{"--scale-down.interval=2s", "--scale-down.empty-node-delay=10s",
	"--scale-down.drain-timeout=60s", "--scale-up.unused-node-grace=5s"}

// TestScaleDownDrainsSurplusNodesAndShowsWhyOthersStay runs four groups under one
// autoscaler: load removed from sd-web (its surplus nodes go, the pods left run on the
// node that stays), maxNodes lowered on sd-max (it shrinks to it), a node kept by a
// PodDisruptionBudget in sd-guard until the budget allows (then its pod moves, by the real
// scheduler, to an unmanaged node that is never touched), and a node kept by a
// do-not-disrupt pod in sd-pin. Every deleted VPS is gone from the simulator, deleted once.
func TestScaleDownDrainsSurplusNodesAndShowsWhyOthersStay(t *testing.T) {
	ns := namespace(t, "e2e-scaledown")
	create(t, sdGroup(ns, "sd-web"), sdGroup(ns, "sd-guard"), sdGroup(ns, "sd-pin"), sdGroup(ns, "sd-max"))
	as := env.autoscaler(t, "scaledown-1", scaleDownFlags...)

	pinned := deployment(ns, podShape{name: "pinned", cpu: "100m", memory: "64Mi", replicas: 1,
		selector: map[string]string{"workload": "sd-pin"}})
	pinned.Spec.Template.Annotations = map[string]string{v1alpha1.AnnotationDoNotDisrupt: "true"}
	budget := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "guarded"},
		Spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: ptrInt(0),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "guarded"}}}}
	create(t, budget, pinned,
		deployment(ns, podShape{name: "web", cpu: "700m", memory: "256Mi", replicas: 6, selector: map[string]string{"workload": "sd-web"}}),
		deployment(ns, podShape{name: "guarded", cpu: "100m", memory: "64Mi", replicas: 1, selector: map[string]string{"workload": "sd-guard"}}),
		deployment(ns, podShape{name: "wide", cpu: "1200m", memory: "256Mi", replicas: 3, selector: map[string]string{"workload": "sd-max"}}))
	start := time.Now()
	eventually(t, 4*time.Minute, "all 11 pods running", func() error { return running(ns, 11) })
	eventually(t, time.Minute, "every node Ready", func() error {
		return allReady(ns, map[string]int{"sd-web": 3, "sd-guard": 1, "sd-pin": 1, "sd-max": 3})
	})
	before := map[string][]string{}
	for _, g := range []string{"sd-web", "sd-guard", "sd-pin", "sd-max"} {
		before[g] = groupNodes(t, ns, g)
	}
	t.Logf("scaled up in %s: %v", time.Since(start).Round(time.Second), before)
	if len(before["sd-web"]) < 3 || len(before["sd-max"]) != 3 {
		t.Fatalf("want at least 3 sd-web nodes and 3 sd-max nodes, got %v", before)
	}

	// Load removed and maxNodes lowered, at the same time. The two web pods kept run on
	// different nodes (the ReplicaSet deletes pods of lower deletion cost first), so one of
	// them has to move.
	keepOnePodOnEachOfTwoNodes(t, ns, "web")
	removed := time.Now()
	kubectl(t, "-n", ns, "scale", "deployment/web", "--replicas=2")
	kubectl(t, "-n", ns, "patch", "nodegroup", "sd-max", "--type=merge", "-p", `{"spec":{"maxNodes":1}}`)
	eventually(t, 3*time.Minute, "sd-web down to one node running both pods", func() error {
		if n := groupNodes(t, ns, "sd-web"); len(n) != 1 {
			return fmt.Errorf("sd-web has nodes %v", n)
		}
		return podsOn(ns, "web", 2, groupNodes(t, ns, "sd-web")[0])
	})
	t.Logf("sd-web: %d nodes down to 1 in %s", len(before["sd-web"]), time.Since(removed).Round(time.Second))
	eventually(t, 2*time.Minute, "sd-max down to maxNodes", func() error {
		if n := groupNodes(t, ns, "sd-max"); len(n) != 1 {
			return fmt.Errorf("sd-max has nodes %v", n)
		}
		return nil
	})
	t.Logf("sd-max: 3 nodes down to maxNodes=1 in %s", time.Since(removed).Round(time.Second))

	// Why the other two groups keep their node: on the Node, the NodeGroup and in metrics.
	guardNode, pinNode := before["sd-guard"][0], before["sd-pin"][0]
	guardPod, pinPod := podOf(t, ns, "guarded"), podOf(t, ns, "pinned")
	eventually(t, time.Minute, "blocked nodes annotated", func() error {
		if err := annotated(guardNode, "PodDisruptionBudget: pod "+ns+"/"+guardPod); err != nil {
			return err
		}
		return annotated(pinNode, "DoNotDisrupt: pod "+ns+"/"+pinPod)
	})
	eventually(t, 30*time.Second, "blocked nodes in NodeGroup status", func() error {
		if err := blockedInStatus(ns, "sd-guard", guardNode, "PodDisruptionBudget", ns+"/"+guardPod); err != nil {
			return err
		}
		return blockedInStatus(ns, "sd-pin", pinNode, "DoNotDisrupt", ns+"/"+pinPod)
	})
	t.Logf("%s: %s", guardNode, nodeAnnotation(t, guardNode, v1alpha1.AnnotationScaleDownBlocked))
	t.Logf("%s: %s", pinNode, nodeAnnotation(t, pinNode, v1alpha1.AnnotationScaleDownBlocked))
	if got := blockedEvents(t, pinNode); got != 1 {
		t.Errorf("%s has %d ScaleDownBlocked events after many passes, want 1", pinNode, got)
	}
	wants := []string{
		`vpsie_autoscaler_scale_down_blocked_total{namespace="` + ns + `",nodegroup="sd-pin",reason="DoNotDisrupt"} 1`,
		`vpsie_autoscaler_scale_down_blocked_total{namespace="` + ns + `",nodegroup="sd-guard",reason="PodDisruptionBudget"} 1`,
		`vpsie_autoscaler_safety_check_failures_total{check_type="do_not_disrupt",namespace="` + ns + `",nodegroup="sd-pin"} 1`,
		`vpsie_autoscaler_safety_check_failures_total{check_type="pdb",namespace="` + ns + `",nodegroup="sd-guard"} 1`,
		`vpsie_autoscaler_scale_down_total{namespace="` + ns + `",nodegroup="sd-max",result="Deleted"} 2`,
		`vpsie_autoscaler_nodegroup_utilization_ratio{namespace="` + ns + `",nodegroup="sd-web",resource="cpu"} 0.7`,
		`vpsie_autoscaler_scale_down_total{namespace="` + ns + `",nodegroup="sd-web",result="Deleted"} 2`,
		`vpsie_autoscaler_node_drain_pods_evicted_sum{namespace="` + ns + `",nodegroup="sd-web"} 1`,
	}
	var metrics string
	eventually(t, 30*time.Second, "metrics of the drains and blocked nodes", func() error {
		metrics = scrape(t, as)
		for _, want := range wants {
			if !strings.Contains(metrics, want) {
				return fmt.Errorf("metrics lack %s", want)
			}
		}
		return nil
	})
	logMetrics(t, metrics, "vpsie_autoscaler_node_drain_duration_seconds_sum", "vpsie_autoscaler_node_drain_duration_seconds_count",
		"vpsie_autoscaler_node_drain_pods_evicted_sum", "vpsie_autoscaler_node_termination_duration_seconds_sum",
		"vpsie_autoscaler_node_termination_duration_seconds_count", "vpsie_autoscaler_scale_down_total",
		"vpsie_autoscaler_nodegroup_utilization_ratio")

	// An unmanaged node with room for the guarded pod joins; the budget then allows one
	// disruption, so sd-guard's node goes and its pod moves there.
	unmanaged := unmanagedNode(t, "e2e-unmanaged-1", "sd-guard")
	released := time.Now()
	kubectl(t, "-n", ns, "patch", "pdb", "guarded", "--type=merge", "-p", `{"spec":{"maxUnavailable":1}}`)
	eventually(t, 2*time.Minute, "sd-guard's node drained once the budget allows", func() error {
		if n := groupNodes(t, ns, "sd-guard"); len(n) != 0 {
			return fmt.Errorf("sd-guard has nodes %v", n)
		}
		return podsOn(ns, "guarded", 1, unmanaged)
	})
	t.Logf("sd-guard's node drained %s after the budget allowed it; its pod runs on %s",
		time.Since(released).Round(time.Second), unmanaged)

	// The pinned node stays, sd-max stays at maxNodes, the unmanaged node is untouched.
	time.Sleep(6 * time.Second)
	if n := groupNodes(t, ns, "sd-pin"); len(n) != 1 || n[0] != pinNode {
		t.Errorf("sd-pin has nodes %v, want its pinned node %s", n, pinNode)
	}
	if n := groupNodes(t, ns, "sd-max"); len(n) != 1 {
		t.Errorf("sd-max has nodes %v, want 1", n)
	}
	untouched(t, unmanaged)
	var gone []string
	for _, g := range []string{"sd-web", "sd-guard", "sd-max"} {
		for _, n := range before[g] {
			if !contains(strings.Join(groupNodes(t, ns, g), ","), n) {
				gone = append(gone, n)
			}
		}
	}
	deletedOnce(t, gone)
	t.Logf("%d nodes drained and deleted: %v; VPSie calls %v", len(gone), gone, env.sim.Snapshot().CallCounts)
	logEvents(t, ns, "ScaleDownDone")
	logEvents(t, ns, "ScaleDownFailed")
}

// TestScaleDownSurvivesAKilledAutoscalerMidDrain lowers maxNodes, SIGKILLs the autoscaler as
// soon as the drain cordons its node, and starts another: the same drain run finishes, the
// node and its VPS go once.
func TestScaleDownSurvivesAKilledAutoscalerMidDrain(t *testing.T) {
	ns := namespace(t, "e2e-scaledown-kill")
	create(t, sdGroup(ns, "sd-kill"))
	first := env.autoscaler(t, "scaledown-kill-1", scaleDownFlags...)
	create(t, deployment(ns, podShape{name: "kill", cpu: "1200m", memory: "256Mi", replicas: 2,
		selector: map[string]string{"workload": "sd-kill"}}))
	eventually(t, 3*time.Minute, "both pods running", func() error { return running(ns, 2) })
	eventually(t, time.Minute, "both nodes Ready", func() error { return allReady(ns, map[string]int{"sd-kill": 2}) })
	nodes := groupNodes(t, ns, "sd-kill")
	if len(nodes) != 2 {
		t.Fatalf("sd-kill has nodes %v, want 2", nodes)
	}
	kubectl(t, "-n", ns, "patch", "nodegroup", "sd-kill", "--type=merge", "-p", `{"spec":{"maxNodes":1}}`)
	lowered := time.Now()
	var victim, stage string
	deadline := time.Now().Add(time.Minute)
	for victim == "" && time.Now().Before(deadline) {
		for _, name := range nodes {
			var n corev1.Node
			if err := env.kube.Get(context.Background(), client.ObjectKey{Name: name}, &n); err == nil &&
				(n.Spec.Unschedulable || n.Annotations[v1alpha1.AnnotationDrainStatus] != "") {
				victim, stage = name, fmt.Sprintf("cordoned=%v drain-status=%q", n.Spec.Unschedulable,
					n.Annotations[v1alpha1.AnnotationDrainStatus])
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if victim == "" {
		t.Fatal("no drain began within a minute of maxNodes lowered")
	}
	first.Kill(t)
	t.Logf("killed the autoscaler %s after maxNodes was lowered, with %s %s", time.Since(lowered).Round(time.Millisecond),
		victim, stage)
	restarted := time.Now()
	env.autoscaler(t, "scaledown-kill-2", scaleDownFlags...)
	eventually(t, 3*time.Minute, "the victim gone", func() error {
		if n := groupNodes(t, ns, "sd-kill"); len(n) != 1 || n[0] == victim {
			return fmt.Errorf("sd-kill has nodes %v", n)
		}
		var n corev1.Node
		if err := env.kube.Get(context.Background(), client.ObjectKey{Name: victim}, &n); err == nil {
			return fmt.Errorf("node %s still exists", victim)
		}
		return nil
	})
	t.Logf("%s gone %s after the restart", victim, time.Since(restarted).Round(time.Second))
	deletedOnce(t, []string{victim})
	if runs := drainRuns(t, victim); runs != 1 {
		t.Errorf("drain/%s ran %d times, want once", victim, runs)
	}
	time.Sleep(5 * time.Second)
	if n := groupNodes(t, ns, "sd-kill"); len(n) != 1 {
		t.Errorf("sd-kill has nodes %v after the drain, want 1", n)
	}
}

// sdGroup is a std-2c-4g group whose nodes count as underutilized after 10 s below 50 %.
func sdGroup(ns, name string) *v1alpha1.NodeGroup {
	g := group(ns, name, "std-2c-4g")
	g.Spec.ScaleDownPolicy.StabilizationWindowSeconds = 10
	return g
}

func ptrInt(v int) *intstr.IntOrString { x := intstr.FromInt32(int32(v)); return &x }

// groupNodes names the Nodes of the group's VPSieNodes that exist and are not leaving, sorted.
func groupNodes(t *testing.T, ns, group string) []string {
	t.Helper()
	var out []string
	for _, vn := range vpsieNodes(t, ns) {
		if vn.Spec.NodeGroup != group || vn.DeletionTimestamp != nil || vn.Status.NodeName == "" {
			continue
		}
		var n corev1.Node
		if err := env.kube.Get(context.Background(), client.ObjectKey{Name: vn.Status.NodeName}, &n); err == nil {
			out = append(out, n.Name)
		}
	}
	sort.Strings(out)
	return out
}

// keepOnePodOnEachOfTwoNodes gives one pod of the app on each of two nodes a high
// deletion cost, so scaling the app down to two keeps those.
func keepOnePodOnEachOfTwoNodes(t *testing.T, ns, app string) {
	t.Helper()
	var pods corev1.PodList
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns), client.MatchingLabels{"app": app}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range pods.Items {
		if len(seen) < 2 && !seen[p.Spec.NodeName] {
			seen[p.Spec.NodeName] = true
			kubectl(t, "-n", ns, "annotate", "pod", p.Name, "controller.kubernetes.io/pod-deletion-cost=1000")
		}
	}
	if len(seen) != 2 {
		t.Fatalf("%s pods run on %d nodes, want at least 2", app, len(seen))
	}
}

// allReady checks that each group has its count of Ready members.
func allReady(ns string, groups map[string]int) error {
	for g, n := range groups {
		if err := readyMembers(ns, g, n); err != nil {
			return err
		}
	}
	return nil
}

// podsOn checks that n pods of the app run, all on node.
func podsOn(ns, app string, n int, node string) error {
	var pods corev1.PodList
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns), client.MatchingLabels{"app": app}); err != nil {
		return err
	}
	count := 0
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil {
			continue
		}
		if p.Status.Phase != corev1.PodRunning || p.Spec.NodeName != node {
			return fmt.Errorf("pod %s is %s on %q, want running on %s", p.Name, p.Status.Phase, p.Spec.NodeName, node)
		}
		count++
	}
	if count != n {
		return fmt.Errorf("%d %s pods, want %d", count, app, n)
	}
	return nil
}

func podOf(t *testing.T, ns, app string) string {
	t.Helper()
	var pods corev1.PodList
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns), client.MatchingLabels{"app": app}); err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 1 {
		t.Fatalf("%d %s pods, want 1", len(pods.Items), app)
	}
	return pods.Items[0].Name
}

func nodeAnnotation(t *testing.T, node, key string) string {
	t.Helper()
	var n corev1.Node
	if err := env.kube.Get(context.Background(), client.ObjectKey{Name: node}, &n); err != nil {
		t.Fatal(err)
	}
	return n.Annotations[key]
}

// annotated checks that the node's scale-down-blocked annotation starts with want.
func annotated(node, want string) error {
	var n corev1.Node
	if err := env.kube.Get(context.Background(), client.ObjectKey{Name: node}, &n); err != nil {
		return err
	}
	if got := n.Annotations[v1alpha1.AnnotationScaleDownBlocked]; !strings.HasPrefix(got, want) {
		return fmt.Errorf("node %s annotated %q, want %q...", node, got, want)
	}
	return nil
}

// blockedInStatus checks that the group's status.scaleDown lists node with reason and pod.
func blockedInStatus(ns, group, node, reason, pod string) error {
	var ng v1alpha1.NodeGroup
	if err := env.kube.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: group}, &ng); err != nil {
		return err
	}
	if ng.Status.ScaleDown == nil {
		return fmt.Errorf("%s has no status.scaleDown", group)
	}
	for _, b := range ng.Status.ScaleDown.BlockedNodes {
		if b.Node == node && b.Reason == reason && b.Pod == pod {
			return nil
		}
	}
	return fmt.Errorf("%s status.scaleDown = %+v, want %s blocked by %s (%s)", group, ng.Status.ScaleDown, node, pod, reason)
}

// blockedEvents counts the ScaleDownBlocked events about a node (cluster-scoped objects'
// events are in default), with their repetitions.
func blockedEvents(t *testing.T, node string) int {
	t.Helper()
	var evs corev1.EventList
	if err := env.kube.List(context.Background(), &evs, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs.Items {
		if e.InvolvedObject.Name == node && e.Reason == "ScaleDownBlocked" {
			n += max(int(e.Count), 1)
			if e.Series != nil {
				n += int(e.Series.Count)
			}
		}
	}
	return n
}

// unmanagedNode registers a Node kwok keeps Ready, with the group's workload label but not
// the managed one, and waits until it is Ready.
func unmanagedNode(t *testing.T, name, workload string) string {
	t.Helper()
	res := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi"),
		corev1.ResourcePods: resource.MustParse("110")}
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"workload": workload,
		corev1.LabelHostname: name}, Annotations: map[string]string{vpsiesim.AnnotationKwok: "fake"}},
		Status: corev1.NodeStatus{Capacity: res, Allocatable: res.DeepCopy(), Phase: corev1.NodeRunning,
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
				LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}}}}
	create(t, n)
	t.Cleanup(func() { _ = env.kube.Delete(context.Background(), n) })
	eventually(t, 30*time.Second, name+" Ready", func() error {
		var got corev1.Node
		if err := env.kube.Get(context.Background(), client.ObjectKey{Name: name}, &got); err != nil {
			return err
		}
		for _, c := range got.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				return nil
			}
		}
		return fmt.Errorf("not Ready")
	})
	return name
}

// untouched checks that the autoscaler left a node alone: not cordoned, no annotation of its own.
func untouched(t *testing.T, node string) {
	t.Helper()
	var n corev1.Node
	if err := env.kube.Get(context.Background(), client.ObjectKey{Name: node}, &n); err != nil {
		t.Fatalf("unmanaged node %s: %v", node, err)
	}
	if n.Spec.Unschedulable {
		t.Errorf("unmanaged node %s was cordoned", node)
	}
	for k := range n.Annotations {
		if strings.HasPrefix(k, "autoscaler.vpsie.com/") {
			t.Errorf("unmanaged node %s got annotation %s=%q", node, k, n.Annotations[k])
		}
	}
}

// deletedOnce checks that each host's VPS is gone from the simulator, created once and deleted
// by exactly one successful API call.
func deletedOnce(t *testing.T, hosts []string) {
	t.Helper()
	for _, h := range hosts {
		eventually(t, 30*time.Second, "VPS "+h+" gone from the simulator", func() error {
			if live := env.sim.Snapshot().VMsByHostname(h); len(live) != 0 {
				return fmt.Errorf("VPS %s is %s", h, live[0].Status)
			}
			return nil
		})
	}
	st := env.sim.Snapshot()
	deletes := map[string]int{}
	for _, c := range st.Calls {
		if c.Op == vpsiesim.OpDeleteVM && c.Status < 300 {
			deletes[c.Hostname]++
		}
	}
	for _, h := range hosts {
		if n := st.Creates(h); n != 1 {
			t.Errorf("VPS %s created %d times", h, n)
		}
		if n := deletes[h]; n != 1 {
			t.Errorf("VPS %s deleted by %d successful calls, want 1", h, n)
		}
	}
}

// drainRuns counts the runs of a node's drain workflow.
func drainRuns(t *testing.T, node string) int {
	t.Helper()
	return runsOf(t, contract.DrainWorkflowID(node))
}

// scrape is the text of the process's /metrics endpoint.
func scrape(t testing.TB, p *testproc.Process) string {
	t.Helper()
	resp, err := http.Get("http://" + p.Metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// logMetrics logs the scraped lines of the named metrics.
func logMetrics(t *testing.T, metrics string, names ...string) {
	t.Helper()
	for _, line := range strings.Split(metrics, "\n") {
		for _, n := range names {
			if strings.HasPrefix(line, n+"{") || strings.HasPrefix(line, n+" ") {
				t.Log(line)
			}
		}
	}
}
