//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// TestFiftyMixedPodsRunAfterTheAutoscalerIsKilledMidProvisioning: 50 pending pods of
// mixed sizes in the strict world (nodes register NotReady with only their kubelet's
// labels, DaemonSet pods land on them at once), some selecting a second NodeGroup, some
// tolerating a tainted third, some spread over two zones (minDomains 2), some taking a
// host port, and a pair that must share a node, are scheduled by the real kube-scheduler
// onto the nodes the autoscaler makes, although it is SIGKILLed while the first nodes
// boot. The simulator shows one create per hostname, no VPS without its VPSieNode, no
// VPS deleted, and every node the autoscaler bought runs the workload.
func TestFiftyMixedPodsRunAfterTheAutoscalerIsKilledMidProvisioning(t *testing.T) {
	ns := namespace(t, "e2e-mixed")
	general := group(ns, "general", "std-2c-4g", "std-4c-8g", "std-8c-16g")
	general.Spec.DatacenterID = ""
	general.Spec.Datacenters = []v1alpha1.DatacenterPlacement{{ID: "ams1"}, {ID: "fra1"}}
	highmem := group(ns, "highmem", "mem-2c-8g", "mem-4c-16g", "mem-8c-32g")
	batch := group(ns, "batch", "cpu-4c-4g", "cpu-8c-8g")
	batch.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: "batch", Effect: corev1.TaintEffectNoSchedule}}
	create(t, general, highmem, batch)
	first := env.autoscaler(t, "mixed-1")

	toleratesBatch := []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "batch",
		Effect: corev1.TaintEffectNoSchedule}}
	for _, s := range []podShape{
		// Earlier tests in the package leave nodes behind; these pods select their group.
		{name: "web", cpu: "250m", memory: "256Mi", replicas: 18, selector: map[string]string{"workload": "general"},
			zoneSpread: 2},
		{name: "api", cpu: "1", memory: "1Gi", replicas: 8, selector: map[string]string{"workload": "general"}},
		{name: "agent", cpu: "200m", memory: "128Mi", replicas: 4, selector: map[string]string{"workload": "general"},
			hostPort: 9100},
		{name: "db", cpu: "500m", memory: "512Mi", replicas: 1, selector: map[string]string{"workload": "general"}},
		{name: "db-proxy", cpu: "100m", memory: "64Mi", replicas: 1, selector: map[string]string{"workload": "general"},
			with: "db"},
		{name: "cache", cpu: "500m", memory: "5Gi", replicas: 8, selector: map[string]string{"workload": "highmem"}},
		{name: "crunch", cpu: "1500m", memory: "512Mi", replicas: 10, tolerations: toleratesBatch,
			selector: map[string]string{"workload": "batch"}},
	} {
		create(t, deployment(ns, s))
	}
	start := time.Now()
	eventually(t, 2*time.Minute, "a VPS booting", func() error {
		for _, vm := range env.sim.Snapshot().VMs {
			if ours(vm.VM.Hostname) {
				return nil
			}
		}
		return fmt.Errorf("no VPS yet")
	})
	first.Kill(t)
	t.Logf("killed the autoscaler %s after the first create, with %d VMs in the simulator",
		time.Since(start).Round(time.Millisecond), len(env.sim.Snapshot().VMs))
	env.autoscaler(t, "mixed-2")
	eventually(t, 6*time.Minute, "every pod running", func() error { return running(ns, 50) })
	t.Logf("all 50 pods running %s after they were created", time.Since(start).Round(time.Second))
	// Pods may run before every node is up (small ones fit on other groups' nodes); the
	// checks below are about the nodes, so they wait for the last one.
	eventually(t, 3*time.Minute, "every VPSieNode ready", func() error { return everyVPSieNodeReady(ns) })

	st := env.sim.Snapshot()
	vns := vpsieNodes(t, ns)
	byHost := map[string]v1alpha1.VPSieNode{}
	perGroup := map[string]int{}
	for _, vn := range vns {
		byHost[vn.Spec.Hostname] = vn
		perGroup[vn.Spec.NodeGroup]++
		if n := st.Creates(vn.Spec.Hostname); n != 1 {
			t.Errorf("%s was created %d times", vn.Spec.Hostname, n)
		}
	}
	for _, vm := range st.VMs {
		if _, ok := byHost[vm.VM.Hostname]; !ok && ours(vm.VM.Hostname) {
			t.Errorf("VPS %s (%s) has no VPSieNode", vm.VM.Hostname, vm.VM.Status)
		}
	}
	for _, g := range []string{"general", "highmem", "batch"} {
		if perGroup[g] == 0 {
			t.Errorf("group %s made no node", g)
		}
	}
	t.Logf("nodes per group: %v; VPSie calls: %v", perGroup, st.CallCounts)
	assertNoVPSDeleted(t, st)
	assertPlacement(t, ns, vns)
	logEvents(t, ns, "ScaleUp")
	assertRunsFilterByNodeGroup(t, ns+"/highmem")
}

// ours: a VPS of this test's groups (other tests' VPSs share the simulator).
func ours(hostname string) bool {
	for _, g := range []string{"general", "highmem", "batch"} {
		if strings.HasPrefix(hostname, "e2e-"+g+"-") {
			return true
		}
	}
	return false
}

// assertRunsFilterByNodeGroup lists the group's ScaleUp runs the way an operator filters
// them in the Web UI: by the NodeGroup and Operation search attributes.
func assertRunsFilterByNodeGroup(t *testing.T, nodeGroup string) {
	t.Helper()
	c := dialTemporal(t)
	query := fmt.Sprintf("NodeGroup = '%s' AND Operation = '%s'", nodeGroup, contract.OperationScaleUp)
	eventually(t, 30*time.Second, "runs found by "+query, func() error {
		resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: env.temporal.GetDefaultNamespace(), Query: query})
		if err != nil {
			return err
		}
		if len(resp.Executions) == 0 {
			return fmt.Errorf("no run")
		}
		for _, e := range resp.Executions {
			if !strings.HasPrefix(e.Execution.WorkflowId, "scaleup/"+nodeGroup+"/") {
				return fmt.Errorf("query returned %s", e.Execution.WorkflowId)
			}
		}
		return nil
	})
}

// TestScaleUpGuards runs, side by side under one autoscaler, the runaway guard (nodes
// that never take their pods), capacity fallback, a failed boot's compensation, minNodes
// raised with kubectl, and a pod no offering can hold.
func TestScaleUpGuards(t *testing.T) {
	ns := namespace(t, "e2e-guards")
	env.autoscaler(t, "guards", "--scale-up.unused-node-grace="+runawayGrace.String(),
		"--scale-up.min-backoff="+runawayBackoff.String())
	t.Run("runaway", func(t *testing.T) { t.Parallel(); runaway(t, ns) })
	t.Run("fallbacks", func(t *testing.T) { t.Parallel(); fallbacks(t, ns) })
}

// The runaway guard's clock in this test: a node that runs none of the pods for
// runawayGrace failed, and the group then pauses runawayBackoff, doubling. Node n+1 cannot be
// asked for before G + B, G + 2B, G + 4B ... after node n: the fourth comes at 3G + 7B = 65 s
// at the earliest however fast the machine, so the window holds three at most. (With the
// defaults, 2 min and 30 s, the same bound needs a window of minutes.)
const (
	runawayGrace   = 10 * time.Second
	runawayBackoff = 5 * time.Second
	runawayWindow  = time.Minute
)

// runaway: a controller taints every new node of the group NoExecute, so the one pending
// pod never lands. In the window at most three VPSs are made, and the NodeGroup's
// condition says why it holds back.
func runaway(t *testing.T, ns string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go taintNewNodes(ctx, "-chaos-", corev1.Taint{Key: "chaos", Value: "true", Effect: corev1.TaintEffectNoExecute})
	create(t, group(ns, "chaos", "std-1c-2g"), bare(ns, "lonely", "500m", map[string]string{"workload": "chaos"}))
	start := time.Now()
	// The first backoffs last 5 and 10 s: the condition is read often enough not to miss them.
	var condition, why string
	observe := func() {
		time.Sleep(500 * time.Millisecond)
		if c := blockedCondition(t, ns, "chaos"); c != "" && c != condition {
			condition = c
			t.Logf("%s: ScaleUpBlocked: %s", time.Since(start).Round(time.Second), c)
			if strings.Contains(c, "took none of the pods") {
				why = c
			}
		}
	}
	for time.Since(start) < runawayWindow {
		observe()
	}
	made := 0
	for host, n := range env.sim.Snapshot().CreatesByHostname {
		if strings.Contains(host, "-chaos-") {
			made += n
		}
	}
	t.Logf("VPSs made in %s for a pod no new node takes: %d", runawayWindow, made)
	if made == 0 || made > 3 {
		t.Errorf("%d VPSs in %s, want 1 to 3", made, runawayWindow)
	}
	// On a loaded machine the first node may fail only near the window's end: the group's
	// condition says why within one more grace and backoff.
	for deadline := time.Now().Add(runawayGrace + 2*runawayBackoff); why == "" && time.Now().Before(deadline); {
		observe()
	}
	if why == "" {
		t.Errorf("the NodeGroup's ScaleUpBlocked condition never said why: %q", condition)
	}
}

// fallbacks: capacity exhausted in the first datacenter → the second; a failed boot is
// compensated and retried; minNodes raised → the group grows; 64 CPUs → an event, no VPS.
func fallbacks(t *testing.T, ns string) {
	if err := env.sim.SetCapacity(map[string]vpsiesim.Capacity{"tor1": {CPUs: 1}}); err != nil {
		t.Fatal(err)
	}
	spread := group(ns, "spread", "std-2c-4g", "std-4c-8g")
	spread.Spec.DatacenterID = ""
	spread.Spec.Datacenters = []v1alpha1.DatacenterPlacement{{ID: "tor1", Priority: 0}, {ID: "nyc1", Priority: 1}}
	create(t, spread, bare(ns, "needs-room", "1500m", map[string]string{"workload": "spread"}))
	eventually(t, 3*time.Minute, "the pod running on a node in the second datacenter", func() error {
		return podOnDatacenter(ns, "needs-room", "nyc1")
	})

	if err := env.sim.SetFaults(vpsiesim.Faults{FailNextBoots: 1}); err != nil {
		t.Fatal(err)
	}
	flaky := group(ns, "flaky", "std-1c-2g")
	flaky.Spec.MinNodes = 1
	create(t, flaky)
	eventually(t, 3*time.Minute, "a failed boot compensated, then one ready node", func() error {
		if err := hasEvent(ns, "flaky", "ScaleUpFailed", contract.FailureBoot); err != nil {
			return err
		}
		return readyMembers(ns, "flaky", 1)
	})
	for _, vm := range env.sim.Snapshot().VMs {
		if strings.Contains(vm.VM.Hostname, "-flaky-") && vm.VM.Status == "failed" {
			t.Errorf("the VPS whose boot failed is still there: %s", vm.VM.Hostname)
		}
	}
	kubectl(t, "-n", ns, "patch", "nodegroup", "flaky", "--type=merge", "-p", `{"spec":{"minNodes":2}}`)
	eventually(t, 2*time.Minute, "minNodes raised with kubectl grows the group", func() error {
		return readyMembers(ns, "flaky", 2)
	})

	before := len(env.sim.Snapshot().CreatesByHostname)
	create(t, bare(ns, "needs-64-cpu", "64", map[string]string{"workload": "flaky"}))
	eventually(t, time.Minute, "an event naming why the 64-CPU pod fits nowhere", func() error {
		return hasEvent(ns, "needs-64-cpu", "NotTriggerScaleUp", "flaky")
	})
	time.Sleep(10 * time.Second)
	if after := len(env.sim.Snapshot().CreatesByHostname); after != before {
		t.Errorf("the 64-CPU pod made %d VPSs", after-before)
	}
}
