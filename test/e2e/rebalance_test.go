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
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// rebalanceFlags shorten the rebalance loop for the tests: a pass every 2 s, progress read
// every second, a drain given 60 s. Scale-down is off in the groups (rbGroup).
var rebalanceFlags = []string{"--rebalance.interval=2s", "--rebalance.progress-interval=1s",
	"--rebalance.drain-timeout=60s", "--scale-up.unused-node-grace=5s"}

const (
	dearOffering  = "std-8c-16g"
	cheapOffering = "std-2c-4g"
)

// TestRebalanceRollingMovesAGroupToACheaperOfferingThroughAKill runs two std-8c-16g nodes
// with a spread Deployment of two pods under a PodDisruptionBudget (minAvailable 1), allows
// std-2c-4g and annotates rebalance=now. The autoscaler is SIGKILLed once the first
// replacement exists and another one started: the same run goes on and completes once.
// Throughout, never more than maxUnavailable (1) of the group's two nodes is missing and
// at least one pod runs; at the end both nodes are std-2c-4g, the old VPSs are deleted once,
// no VPS is left over, and the savings show in status.rebalance and the metrics.
func TestRebalanceRollingMovesAGroupToACheaperOfferingThroughAKill(t *testing.T) {
	ns := namespace(t, "e2e-rebalance-rolling")
	const name = "rb-roll"
	create(t, rbGroup(ns, name, v1alpha1.RebalanceRolling))
	first := env.autoscaler(t, "rebalance-roll-1", rebalanceFlags...)
	before := rbWorkload(t, ns, name)

	w := watchGroup(ns, name, "web", 2)
	start := time.Now()
	rbAllowCheaperAndAnnotate(t, ns, name)
	var newNode string
	eventually(t, 2*time.Minute, "the first replacement created", func() error {
		for _, vn := range vpsieNodes(t, ns) {
			if vn.Spec.NodeGroup == name && vn.Spec.OfferingID == cheapOffering {
				newNode = vn.Name
				return nil
			}
		}
		return fmt.Errorf("no %s member yet", cheapOffering)
	})
	first.Kill(t)
	t.Logf("killed the autoscaler %s after rebalance=now, with replacement %s (%s)", time.Since(start).Round(time.Millisecond),
		newNode, rbPhase(t, ns, name))
	second := env.autoscaler(t, "rebalance-roll-2", rebalanceFlags...)

	st := rbWaitOutcome(t, ns, name, contract.RebalanceCompleted, 3*time.Minute)
	gone, minPods := w.stop()
	took := time.Since(start).Round(time.Second)
	t.Logf("rebalanced in %s: status.rebalance %+v", took, *st)
	t.Logf("at most %d of 2 nodes missing at once, at least %d of 2 pods running", gone, minPods)
	if gone > 1 {
		t.Errorf("%d nodes were missing at once, maxUnavailable is 1", gone)
	}
	if minPods < 1 {
		t.Errorf("only %d pods ran at one time; the PodDisruptionBudget keeps 1", minPods)
	}
	rbCheckMoved(t, ns, name, before, 2)
	if st.BatchesDone != 2 || st.BatchesTotal != 2 || rbMoney(st.SavingsMonthly) <= 0 ||
		st.SavingsMonthly != st.PlannedSavingsMonthly || st.FinishedAt == nil {
		t.Errorf("status.rebalance %+v, want 2 of 2 batches and the planned savings", *st)
	}
	if runs := rbRuns(t, ns, name); runs != 1 {
		t.Errorf("rebalance/%s/%s ran %d times, want once", ns, name, runs)
	}
	if v := rbAnnotation(t, ns, name); v != "" {
		t.Errorf("the rebalance annotation is still %q", v)
	}
	var metrics string
	labels := `{namespace="` + ns + `",nodegroup="` + name + `"`
	eventually(t, 30*time.Second, "rebalance metrics", func() error {
		metrics = scrape(t, second)
		for _, want := range []string{
			"vpsie_autoscaler_rebalance_completed_total" + labels + `,strategy="rolling"} 1`,
			"vpsie_autoscaler_nodegroup_potential_savings_monthly" + labels + "} 0",
		} {
			if !strings.Contains(metrics, want) {
				return fmt.Errorf("metrics lack %s", want)
			}
		}
		got, ok := rbMetric(metrics, "vpsie_autoscaler_rebalance_savings_monthly"+labels+"}")
		if want := rbMoney(st.SavingsMonthly); !ok || got < want-0.01 || got > want+0.01 {
			return fmt.Errorf("rebalance_savings_monthly %v, want %v", got, want)
		}
		return nil
	})
	logMetrics(t, metrics, "vpsie_autoscaler_rebalance_completed_total", "vpsie_autoscaler_rebalance_savings_monthly",
		"vpsie_autoscaler_nodegroup_monthly_cost", "vpsie_autoscaler_nodegroup_potential_savings_monthly",
		"vpsie_autoscaler_rebalance_duration_seconds_sum")
	logEvents(t, ns, "RebalanceStarted")
	logEvents(t, ns, "RebalanceCompleted")
}

// TestRebalanceSurgeAndBlueGreenMoveToTheCheaperOffering rebalances two groups under one
// autoscaler at once: surge (maxSurge 1, maxUnavailable 1, the budget keeping one of two
// pods) and blueGreen (the whole new set first, then the old set evicted at once, so its
// budget is minAvailable 0: the analyzer leaves out a node whose eviction a budget would
// refuse). Both end on std-2c-4g with their pods running and no extra VPS.
func TestRebalanceSurgeAndBlueGreenMoveToTheCheaperOffering(t *testing.T) {
	surgeNS, bgNS := namespace(t, "e2e-rebalance-surge"), namespace(t, "e2e-rebalance-bluegreen")
	const surge, bg = "rb-surge", "rb-bg"
	create(t, rbGroup(surgeNS, surge, v1alpha1.RebalanceSurge), rbGroup(bgNS, bg, v1alpha1.RebalanceBlueGreen))
	as := env.autoscaler(t, "rebalance-strategies-1", rebalanceFlags...)
	t.Cleanup(func() { logLoops(t, as) })
	beforeSurge, beforeBG := rbWorkload(t, surgeNS, surge), rbWorkloadWithBudget(t, bgNS, bg, 0)
	ws, wb := watchGroup(surgeNS, surge, "web", 2), watchGroup(bgNS, bg, "web", 2)
	start := time.Now()
	rbAllowCheaperAndAnnotate(t, surgeNS, surge)
	rbAllowCheaperAndAnnotate(t, bgNS, bg)
	for _, g := range []struct {
		ns, name string
		w        *groupWatch
		before   []string
		batches  int32
	}{{surgeNS, surge, ws, beforeSurge, 2}, {bgNS, bg, wb, beforeBG, 1}} {
		st := rbWaitOutcome(t, g.ns, g.name, contract.RebalanceCompleted, 3*time.Minute)
		gone, minPods := g.w.stop()
		t.Logf("%s: %s within %s of the annotation, %d batches, saves %s/month; at most %d of 2 nodes missing, at least %d of 2 pods running",
			g.name, st.Outcome, time.Since(start).Round(time.Second), st.BatchesTotal, st.SavingsMonthly, gone, minPods)
		if st.BatchesDone != g.batches || st.BatchesTotal != g.batches || rbMoney(st.SavingsMonthly) <= 0 {
			t.Errorf("%s: status.rebalance %+v, want %d of %d batches and savings", g.name, *st, g.batches, g.batches)
		}
		if gone > 1 {
			t.Errorf("%s: %d nodes missing at once, maxUnavailable is 1", g.name, gone)
		}
		rbCheckMoved(t, g.ns, g.name, g.before, 2)
	}
	if !strings.Contains(scrape(t, as), `vpsie_autoscaler_rebalance_completed_total{namespace="`+bgNS+`",nodegroup="`+bg+`",strategy="blueGreen"} 1`) {
		t.Errorf("rebalance_completed_total of %s not counted", bg)
	}
}

// TestRebalancePauseHoldsResumeFinishesRollbackRestores runs two rolling rebalances under
// one autoscaler. Both are paused by annotation and must hold for 8 s; then one is resumed
// and completes, the other is rolled back while paused and ends on its original nodes with
// no extra VPS. (Rolling back a resumed run raced its last batch on a loaded machine.)
func TestRebalancePauseHoldsResumeFinishesRollbackRestores(t *testing.T) {
	// One namespace each: the workload's Deployment and budget are named "web".
	nsResume, nsBack := namespace(t, "e2e-rebalance-pause"), namespace(t, "e2e-rebalance-back")
	create(t, rbGroup(nsResume, "rb-pause", v1alpha1.RebalanceRolling), rbGroup(nsBack, "rb-back", v1alpha1.RebalanceRolling))
	as := env.autoscaler(t, "rebalance-pause-1", rebalanceFlags...)
	t.Run("resume finishes", func(t *testing.T) {
		t.Parallel()
		name, ns := "rb-pause", nsResume
		w := pauseAndHold(t, ns, name)
		kubectl(t, "-n", ns, "annotate", "nodegroup", name, "--overwrite", v1alpha1.AnnotationRebalance+"="+v1alpha1.RebalanceResume)
		st := rbWaitOutcome(t, ns, name, contract.RebalanceCompleted, 3*time.Minute)
		gone, minPods := w.stop()
		t.Logf("resumed and completed: status.rebalance %+v; at most %d nodes missing, at least %d pods running", *st, gone, minPods)
		if gone > 1 || minPods < 1 {
			t.Errorf("%d nodes missing at once, %d pods running at least", gone, minPods)
		}
		eventually(t, time.Minute, "only the cheaper offering", func() error { return rbOnly(t, ns, name, cheapOffering, 2) })
	})
	t.Run("rollback restores", func(t *testing.T) {
		t.Parallel()
		name, ns := "rb-back", nsBack
		w := pauseAndHold(t, ns, name)
		kubectl(t, "-n", ns, "annotate", "nodegroup", name, "--overwrite", v1alpha1.AnnotationRebalance+"="+v1alpha1.RebalanceRollback)
		st := rbWaitOutcome(t, ns, name, contract.RebalanceRolledBack, 3*time.Minute)
		gone, minPods := w.stop()
		t.Logf("rolled back: status.rebalance %+v; at most %d nodes missing, at least %d pods running", *st, gone, minPods)
		if st.Reason != contract.RebalanceReasonRollback || len(st.NewNodes) != 0 {
			t.Errorf("status.rebalance %+v, want RollbackRequested and no replacement left", *st)
		}
		if gone > 1 || minPods < 1 {
			t.Errorf("%d nodes missing at once, %d pods running at least", gone, minPods)
		}
		eventually(t, time.Minute, "the original offering back, nothing extra", func() error {
			return rbOnly(t, ns, name, dearOffering, 2)
		})
		rbNoExtraVPS(t, name, 2)
		if !strings.Contains(scrape(t, as), `vpsie_autoscaler_rebalance_rolled_back_total{namespace="`+ns+`",nodegroup="`+name+`",strategy="rolling"} 1`) {
			t.Error("rebalance_rolled_back_total not counted")
		}
	})
}

// pauseAndHold starts a rebalance of the group, pauses it by annotation and checks that
// nothing moves for 8 s; it returns the watch on the group's nodes and pods.
func pauseAndHold(t *testing.T, ns, name string) *groupWatch {
	t.Helper()
	rbWorkload(t, ns, name)
	w := watchGroup(ns, name, "web", 2)
	rbAllowCheaperAndAnnotate(t, ns, name)
	eventually(t, time.Minute, "the run started", func() error {
		if st := rbStatus(t, ns, name); st == nil || st.StartedAt == nil || st.FinishedAt != nil {
			return fmt.Errorf("status.rebalance %+v", st)
		}
		return nil
	})
	kubectl(t, "-n", ns, "annotate", "nodegroup", name, "--overwrite", v1alpha1.AnnotationRebalance+"="+v1alpha1.RebalancePause)
	eventually(t, 90*time.Second, "the run paused", func() error {
		if st := rbStatus(t, ns, name); st == nil || !st.Paused || st.Phase != contract.RebalancePhasePaused {
			return fmt.Errorf("status.rebalance %+v", st)
		}
		return nil
	})
	held := groupNodes(t, ns, name)
	doneWhenPaused := rbStatus(t, ns, name).BatchesDone
	time.Sleep(8 * time.Second)
	if now, st := groupNodes(t, ns, name), rbStatus(t, ns, name); len(now) != len(held) || st.BatchesDone != doneWhenPaused || !st.Paused {
		t.Fatalf("while paused: nodes %v (were %v), status.rebalance %+v", now, held, *st)
	}
	t.Logf("%s paused for 8 s with %d nodes and %d batches done; nothing moved", name, len(held), doneWhenPaused)
	if v := rbAnnotation(t, ns, name); v != "" {
		t.Errorf("the pause annotation is still %q", v)
	}
	return w
}

// TestRebalanceBootFailureRollsBack makes the simulator fail the next boot: the surge run's
// first replacement never runs, and the run rolls back by itself; the group keeps its two
// std-8c-16g nodes and no VPS is left over.
func TestRebalanceBootFailureRollsBack(t *testing.T) {
	ns := namespace(t, "e2e-rebalance-fail")
	const name = "rb-fail"
	create(t, rbGroup(ns, name, v1alpha1.RebalanceSurge))
	as := env.autoscaler(t, "rebalance-fail-1", rebalanceFlags...)
	before := rbWorkload(t, ns, name)
	if err := env.sim.SetFaults(vpsiesim.Faults{FailNextBoots: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.sim.SetFaults(vpsiesim.Faults{}) })
	rbAllowCheaperAndAnnotate(t, ns, name)
	st := rbWaitOutcome(t, ns, name, contract.RebalanceRolledBack, 3*time.Minute)
	t.Logf("status.rebalance %+v", *st)
	if st.Reason != contract.RebalanceReasonStepFailed {
		t.Errorf("reason %q, want StepFailed", st.Reason)
	}
	if got := groupNodes(t, ns, name); strings.Join(got, ",") != strings.Join(before, ",") {
		t.Errorf("group nodes %v, want the original %v", got, before)
	}
	eventually(t, time.Minute, "the original nodes only", func() error { return rbOnly(t, ns, name, dearOffering, 2) })
	rbNoExtraVPS(t, name, 2)
	if err := running(ns, 2); err != nil {
		t.Error(err)
	}
	if !strings.Contains(scrape(t, as), `vpsie_autoscaler_rebalance_rolled_back_total{namespace="`+ns+`",nodegroup="`+name+`",strategy="surge"} 1`) {
		t.Error("rebalance_rolled_back_total not counted")
	}
	logEvents(t, ns, "RebalanceRolledBack")
}

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
