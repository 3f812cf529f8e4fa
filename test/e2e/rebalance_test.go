//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
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
