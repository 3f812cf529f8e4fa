//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
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
