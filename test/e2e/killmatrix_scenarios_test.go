//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	c "github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// scenario is one operation of the matrix: the steps of its workflow in order (from
// workflows/*.go; checkRecordedSteps holds them against the recorded histories, and every
// cell against the history it made), how to bring a group to where the operation starts,
// how to start it, and its end state.
type scenario struct {
	name, short string
	steps       []string
	// operation, when set, is the Operation search attribute of the scenario's runs: the
	// group must have exactly one such run.
	operation string
	// mid, when set, is the activity the mid-activity cell kills in (the riskiest one that
	// lasts long enough to be seen running); otherwise the first activity or child seen running.
	mid string
	// setup creates the NodeGroup g in ns and what the operation needs, under the first autoscaler.
	setup func(t *testing.T, ns, g string)
	// trigger starts the operation the way an operator or the cluster does and returns the
	// workflow ID once the run exists.
	trigger func(t *testing.T, tc sdkclient.Client, ns, g string) string
	// converged is nil once the operation's end state holds.
	converged func(t *testing.T, ns, g string) error
}

// The steps of each workflow on its happy path, for one node.
var (
	scaleUpSteps = []string{c.CreateVPSieNodeActivity, c.CreateOwnedVPSActivity, c.RecordVPSieNodeActivity,
		c.GetVPSStateActivity, c.RecordVPSieNodeActivity, c.WaitNodeRegisteredActivity, c.RevokeBootstrapTokenActivity,
		c.RecordVPSieNodeActivity, c.ApplyNodeTemplateActivity, c.WaitNodeReadyActivity, c.RecordVPSieNodeActivity}
	drainSteps = []string{c.CordonNodeActivity, c.CheckDrainSafetyActivity, c.AnnotateDrainStatusActivity,
		c.EvictPodsActivity, c.AnnotateDrainStatusActivity, c.DeleteVPSieNodeActivity, c.WaitVPSieNodeGoneActivity}
	terminateSteps = []string{c.RecordVPSieNodeActivity, c.InspectVPSActivity, c.FindOwnedVPSActivity,
		c.DeleteOwnedVPSActivity, c.GetVPSStateActivity, c.DeleteVPSieNodeNodeActivity, c.ReleaseVPSieNodeActivity}
	rollingSteps   = []string{c.AnnotateRebalanceActivity, "child:" + c.ScaleUpWorkflow, "child:" + c.DrainAndDeleteWorkflow}
	blueGreenSteps = []string{c.AnnotateRebalanceActivity, "child:" + c.ScaleUpWorkflow, c.CordonNodeActivity,
		c.CheckDrainSafetyActivity, c.EvictPodsActivity, c.VerifyPodsRunningActivity, "child:" + c.DrainAndDeleteWorkflow}
)

// matrixScenarios in rotation order: cheap and dear ones alternate, so a sample of three
// consecutive ones stays within the CI budget.
func matrixScenarios() []*scenario {
	return []*scenario{
		{name: "ScaleUp", short: "su", steps: scaleUpSteps, operation: c.OperationScaleUp, mid: c.CreateOwnedVPSActivity, setup: scaleUpSetup, trigger: scaleUpTrigger, converged: scaleUpDone},
		rebalanceScenario("Rebalance-rolling", "rr", v1alpha1.RebalanceRolling, rollingSteps),
		{name: "DrainAndDelete", short: "dd", steps: drainSteps, operation: c.OperationDrain, mid: c.EvictPodsActivity, setup: drainSetup, trigger: drainTrigger, converged: drainDone},
		rebalanceScenario("Rebalance-surge", "rs", v1alpha1.RebalanceSurge, rollingSteps),
		{name: "Terminate", short: "tm", steps: terminateSteps, setup: terminateSetup, trigger: terminateTrigger,
			converged: terminateDone},
		withMid(rebalanceScenario("Rebalance-blueGreen", "rb", v1alpha1.RebalanceBlueGreen, blueGreenSteps), c.EvictPodsActivity),
	}
}

// checkRecordedSteps holds the matrix against the histories recorded from a real server
// (workflows/testdata): a step a re-recorded history shows and the matrix does not fails here.
func checkRecordedSteps(t *testing.T) {
	for file, want := range map[string][]string{
		"drain_history_v1.json": drainSteps, "terminate_history_v1.json": terminateSteps,
		// two nodes side by side: compare the steps in order of first appearance
		"scaleup_history_v1.json": distinct(scaleUpSteps),
	} {
		f, err := os.Open(filepath.Join(env.repo, "workflows", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		h, err := sdkclient.HistoryFromJSON(f, sdkclient.HistoryJSONOptions{})
		_ = f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		s := newStepTracker()
		for _, e := range h.GetEvents() {
			s.add(e)
		}
		got := s.steps
		if strings.HasPrefix(file, "scaleup") {
			got = distinct(got)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s records steps %v, the kill matrix knows %v: update the scenario's steps", file, got, want)
		}
	}
}

func distinct(steps []string) []string {
	var out []string
	for _, s := range steps {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// kmGroup is a std-2c-4g group of at most maxNodes that scale-down leaves alone.
func kmGroup(ns, g string, minNodes, maxNodes int32) *v1alpha1.NodeGroup {
	ng := sdGroup(ns, g)
	ng.Spec.MinNodes, ng.Spec.MaxNodes = minNodes, maxNodes
	ng.Spec.ScaleDownPolicy.Enabled = ptr.To(false)
	return ng
}

// ScaleUp: one pending pod in an empty group of at most one node.
func scaleUpSetup(t *testing.T, ns, g string) { create(t, kmGroup(ns, g, 0, 1)) }

func scaleUpTrigger(t *testing.T, tc sdkclient.Client, ns, g string) string {
	create(t, bare(ns, "pending", "500m", map[string]string{"workload": g}))
	return findWorkflow(t, tc, ns, g, c.OperationScaleUp)
}

func scaleUpDone(_ *testing.T, ns, g string) error { return readyAndRunning(ns, g, 1, 1)() }

// DrainAndDelete: nodes N1 (pod a) and N2 (pod b, and c, which prefers b's node); b scaled
// to zero leaves N2 below half used, so scale-down drains it and c moves to N1.
func drainSetup(t *testing.T, ns, g string) {
	ng := kmGroup(ns, g, 1, 3)
	ng.Spec.ScaleDownPolicy.Enabled = ptr.To(true)
	create(t, ng)
	eventually(t, 3*time.Minute, "the minNodes node Ready", func() error { return readyMembers(ns, g, 1) })
	sel := map[string]string{"workload": g}
	create(t, deployment(ns, podShape{name: "a", cpu: "1200m", memory: "256Mi", replicas: 1, selector: sel}),
		deployment(ns, podShape{name: "b", cpu: "1200m", memory: "256Mi", replicas: 1, selector: sel}))
	eventually(t, 3*time.Minute, "a and b running on two nodes", readyAndRunning(ns, g, 2, 2))
	follower := deployment(ns, podShape{name: "c", cpu: "300m", memory: "128Mi", replicas: 1, selector: sel})
	follower.Spec.Template.Spec.Affinity = &corev1.Affinity{PodAffinity: &corev1.PodAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 100,
			PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: corev1.LabelHostname,
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "b"}}}}}}}
	create(t, follower)
	eventually(t, 2*time.Minute, "c running", func() error { return running(ns, 3) })
}

func drainTrigger(t *testing.T, tc sdkclient.Client, ns, g string) string {
	kubectl(t, "-n", ns, "scale", "deployment/b", "--replicas=0")
	return findWorkflow(t, tc, ns, g, c.OperationDrain)
}

func drainDone(_ *testing.T, ns, g string) error { return readyAndRunning(ns, g, 1, 2)() }

// Terminate: an operator deletes the VPSieNode of an idle node.
func terminateSetup(t *testing.T, ns, g string) {
	create(t, kmGroup(ns, g, 0, 1), bare(ns, "once", "500m", map[string]string{"workload": g}))
	eventually(t, 3*time.Minute, "one Ready node running the pod", readyAndRunning(ns, g, 1, 1))
	if err := env.kube.Delete(context.Background(), bare(ns, "once", "500m", nil), client.GracePeriodSeconds(0)); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, "the pod gone", func() error { return running(ns, 0) })
}

func terminateTrigger(t *testing.T, tc sdkclient.Client, ns, g string) string {
	vns := vpsieNodes(t, ns)
	if len(vns) != 1 {
		t.Fatalf("%d VPSieNodes, want 1", len(vns))
	}
	if err := env.kube.Delete(context.Background(), &vns[0]); err != nil {
		t.Fatal(err)
	}
	return waitStarted(t, tc, c.TerminateWorkflowID(ns, vns[0].Name))
}

func terminateDone(t *testing.T, ns, g string) error {
	if vns := vpsieNodes(t, ns); len(vns) != 0 {
		return fmt.Errorf("VPSieNode %s still there", vns[0].Name)
	}
	for _, vm := range env.sim.Snapshot().VMs {
		if strings.HasPrefix(vm.VM.Hostname, "e2e-"+g+"-") {
			return fmt.Errorf("VPS %s is %s", vm.VM.Hostname, vm.VM.Status)
		}
	}
	var nodes corev1.NodeList
	if err := env.kube.List(context.Background(), &nodes, client.MatchingLabels{v1alpha1.LabelNodeGroup: g}); err != nil {
		return err
	}
	if len(nodes.Items) != 0 {
		return fmt.Errorf("node %s still there", nodes.Items[0].Name)
	}
	return nil
}

// Rebalance: one std-8c-16g node (minNodes 1) running one pod moves to std-2c-4g.
func rebalanceScenario(name, short string, strategy v1alpha1.RebalanceStrategy, steps []string) *scenario {
	return &scenario{name: name, short: short, steps: steps, operation: c.OperationRebalance,
		setup: func(t *testing.T, ns, g string) {
			ng := rbGroup(ns, g, strategy)
			ng.Spec.MinNodes = 1
			create(t, ng, deployment(ns, podShape{name: "web", cpu: "500m", memory: "256Mi", replicas: 1,
				selector: map[string]string{"workload": g}}))
			eventually(t, 3*time.Minute, "one Ready node running the pod", readyAndRunning(ns, g, 1, 1))
		},
		trigger: func(t *testing.T, tc sdkclient.Client, ns, g string) string {
			rbAllowCheaperAndAnnotate(t, ns, g)
			return waitStarted(t, tc, c.RebalanceWorkflowID(ns, g))
		},
		converged: func(t *testing.T, ns, g string) error {
			switch st := rbStatus(t, ns, g); {
			case st != nil && st.Outcome != "" && st.Outcome != c.RebalanceCompleted:
				return fmt.Errorf("%w: the rebalance ended %s: %+v", errFinal, st.Outcome, *st)
			case st == nil || st.Outcome != c.RebalanceCompleted:
				return fmt.Errorf("status.rebalance %+v", st)
			}
			if err := rbOnly(t, ns, g, cheapOffering, 1); err != nil {
				return err
			}
			return running(ns, 1)
		},
	}
}

func withMid(sc *scenario, activity string) *scenario {
	sc.mid = activity
	return sc
}

// waitStarted waits until a run of id exists and returns id.
func waitStarted(t *testing.T, tc sdkclient.Client, id string) string {
	t.Helper()
	eventually(t, 2*time.Minute, "workflow "+id+" started", func() error {
		_, err := tc.DescribeWorkflowExecution(context.Background(), id, "")
		return err
	})
	return id
}

// readyAndRunning checks that the group has exactly nodes Ready members and ns runs exactly pods pods.
func readyAndRunning(ns, g string, nodes, pods int) func() error {
	return func() error {
		if err := readyMembers(ns, g, nodes); err != nil {
			return err
		}
		return running(ns, pods)
	}
}
