package integration

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Regenerate with: go test ./test/integration -run TestDrainAndDelete -update-drain-history
var updateDrainHistory = flag.Bool("update-drain-history", false,
	"record the DrainAndDelete histories into workflows/testdata/drain_history_v1.json and drain_compensated_history_v1.json")

const (
	drainHistoryFile            = "../../workflows/testdata/drain_history_v1.json"
	drainCompensatedHistoryFile = "../../workflows/testdata/drain_compensated_history_v1.json"
)

// TestDrainAndDeleteRespectsAPodDisruptionBudget drains a node through the real
// Eviction API, with the operator's worker and VPSieNode controller and the VPSie
// simulator: a PDB with maxUnavailable 0 blocks the eviction until the drain times out
// and is compensated (uncordoned, marked failed, nothing deleted); run again, the PDB
// allows after a while (the test plays the disruption controller, which the test
// control plane does not run) and the node, its VPS and its VPSieNode go. The
// DaemonSet pod is never evicted.
func TestDrainAndDeleteRespectsAPodDisruptionBudget(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	sim, api := startSimulator(t)
	ctx := context.Background()
	op := startOperator(t, ns, api)
	starter := workflowstart.New(op.temporal, op.cfg.Temporal.TaskQueue)
	starter.EnableSearchAttributes(true)

	const node = "drain-1"
	ref := drainableNode(t, ns, api, node)
	pdb := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"},
		Spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: ptrTo(intstr.FromInt32(0)),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}}
	if err := c.Create(ctx, pdb); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"web-1", "web-2"} {
		runningPod(t, ns, name, node, map[string]string{"app": "web"}, webOwner())
	}
	runningPod(t, ns, "logs", node, nil, &metav1.OwnerReference{APIVersion: "apps/v1", Kind: "DaemonSet",
		Name: "logs", UID: "ds-uid", Controller: ptrTo(true)})

	in := contract.DrainAndDeleteInput{NodeName: node, Namespace: ns, NodeGroup: "g", VPSieNode: ref,
		Reason: "underutilized", Policy: contract.DrainPolicy{Timeout: 3 * time.Second,
			RetryInterval: 200 * time.Millisecond, GracePeriodSeconds: ptrTo(int64(0))}}
	blocked := drain(ctx, t, starter, in)
	var res contract.DrainAndDeleteResult
	if err := blocked.Get(ctx, &res); err != nil {
		t.Fatalf("blocked drain: %v", err)
	}
	if res.Outcome != contract.DrainCompensated || res.Reason != contract.DrainReasonTimeout ||
		res.Remaining != 2 || !strings.Contains(res.Message, "web") {
		t.Fatalf("blocked drain = %+v, want compensated after a timeout naming the budget", res)
	}
	var n corev1.Node
	if err := c.Get(ctx, client.ObjectKey{Name: node}, &n); err != nil {
		t.Fatal(err)
	}
	if n.Spec.Unschedulable || n.Annotations[v1alpha1.AnnotationDrainStatus] != v1alpha1.DrainStatusFailed ||
		!strings.Contains(n.Annotations[v1alpha1.AnnotationDrainReason], "disruption budget web") {
		t.Fatalf("compensated node: unschedulable %v, annotations %v", n.Spec.Unschedulable, n.Annotations)
	}
	if deletes := sim.Snapshot().CallCount(vpsiesim.OpDeleteVM); deletes != 0 {
		t.Fatalf("a blocked drain deleted %d vps", deletes)
	}
	desc, err := op.temporal.DescribeWorkflowExecution(ctx, blocked.GetID(), blocked.GetRunID())
	if err != nil {
		t.Fatal(err)
	}
	for _, attr := range workflowstart.SearchAttributeNames() {
		if desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[attr] == nil {
			t.Errorf("search attribute %s not set on the drain", attr)
		}
	}
	checkTemporalHistory(ctx, t, op.temporal, blocked.GetID(), blocked.GetRunID(), *updateDrainHistory,
		drainCompensatedHistoryFile)

	in.Policy.Timeout = time.Minute
	allowed := drain(ctx, t, starter, in)
	eventually(t, "node draining again", func() error { return drainStatus(node, v1alpha1.DrainStatusDraining) })
	time.Sleep(time.Second) // refused a few times
	allowDisruptions(t, ns, "web", 2)
	if err := allowed.Get(ctx, &res); err != nil {
		t.Fatalf("drain: %v", err)
	}
	if res.Outcome != contract.DrainDeleted || res.Evicted != 2 || res.Remaining != 0 {
		t.Fatalf("drain = %+v, want deleted after evicting the 2 web pods", res)
	}
	for _, name := range []string{"web-1", "web-2"} {
		if err := c.Get(ctx, keyOf(ns, name), &corev1.Pod{}); !apierrors.IsNotFound(err) {
			t.Errorf("pod %s still there: %v", name, err)
		}
	}
	if err := c.Get(ctx, keyOf(ns, "logs"), &corev1.Pod{}); err != nil {
		t.Errorf("the daemonset pod was evicted: %v", err)
	}
	if err := c.Get(ctx, client.ObjectKey{Name: node}, &corev1.Node{}); !apierrors.IsNotFound(err) {
		t.Errorf("node still there: %v", err)
	}
	if err := c.Get(ctx, keyOf(ns, node), &v1alpha1.VPSieNode{}); !apierrors.IsNotFound(err) {
		t.Errorf("vpsienode still there: %v", err)
	}
	if vms := sim.Snapshot().VMsByHostname(node); len(vms) != 0 {
		t.Errorf("vps still there: %+v", vms)
	}
	if deletes := sim.Snapshot().CallCount(vpsiesim.OpDeleteVM); deletes != 1 {
		t.Errorf("simulator saw %d deletes, want 1", deletes)
	}
	checkTemporalHistory(ctx, t, op.temporal, allowed.GetID(), allowed.GetRunID(), *updateDrainHistory, drainHistoryFile)
}

// drain starts DrainAndDelete as a controller does: its deterministic ID, search
// attributes, and the reason in the memo; a finished run of the ID may run again.
func drain(ctx context.Context, t *testing.T, s *workflowstart.Starter, in contract.DrainAndDeleteInput) sdkclient.WorkflowRun {
	t.Helper()
	run, err := s.StartOrAttach(ctx, workflowstart.Spec{ID: contract.DrainWorkflowID(in.NodeName),
		Workflow: contract.DrainAndDeleteWorkflow, Input: in, Reuse: workflowstart.RestartFinished,
		NodeGroup: in.Namespace + "/" + in.NodeGroup, Operation: contract.OperationDrain,
		Memo: map[string]any{"node": in.NodeName, "reason": in.Reason}})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// drainableNode makes a managed node as ScaleUp leaves it: a VPSieNode (with the
// termination finalizer), its tagged VPS in the simulator, and its Node.
func drainableNode(t *testing.T, ns string, api *vpsie.Client, name string) contract.VPSieNodeRef {
	t.Helper()
	ctx := context.Background()
	memberNode(t, kube.Client, ns, "g", name, v1alpha1.PhaseReady, nil)
	eventually(t, "finalizer added to "+name, func() error { return hasFinalizer(ns, name) })
	var vn v1alpha1.VPSieNode
	if err := kube.Client.Get(ctx, keyOf(ns, name), &vn); err != nil {
		t.Fatal(err)
	}
	owner := contract.Owner{Cluster: config.Default().Controller.ClusterName, Namespace: ns, Name: name, UID: string(vn.UID)}
	vm, err := api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: name, OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: owner.Tags()})
	if err != nil {
		t.Fatalf("creating vm: %v", err)
	}
	setVPSID(t, ns, name, vm.Identifier)
	registerNode(t, name, "vpsie://"+vm.Identifier, map[string]string{v1alpha1.LabelManaged: "true",
		v1alpha1.LabelNodeGroup: "g", v1alpha1.LabelVPSieNode: name})
	return contract.VPSieNodeRef{Namespace: ns, Name: name, UID: string(vn.UID)}
}

// runningPod creates a pod bound to node and marks it running and ready, as its kubelet
// would (the Eviction API ignores budgets for pending pods).
func runningPod(t *testing.T, ns, name, node string, labels map[string]string, owner *metav1.OwnerReference) {
	t.Helper()
	ctx := context.Background()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}
	if owner != nil {
		pod.OwnerReferences = []metav1.OwnerReference{*owner}
	}
	if err := kube.Client.Create(ctx, pod); err != nil {
		t.Fatal(err)
	}
	pod.Status.Phase = corev1.PodRunning
	pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue,
		LastTransitionTime: metav1.Now()}}
	if err := kube.Client.Status().Update(ctx, pod); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kube.Client.Delete(context.Background(), pod, client.GracePeriodSeconds(0)) })
}

// webOwner is the controller of the web pods: a drain refuses a pod that has none (nothing
// would recreate it). No garbage collector runs here, so the ReplicaSet need not exist.
func webOwner() *metav1.OwnerReference {
	return &metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web", UID: "rs-web-uid", Controller: ptrTo(true)}
}

// allowDisruptions writes the budget's status as the disruption controller would.
func allowDisruptions(t *testing.T, ns, name string, allowed int32) {
	t.Helper()
	var pdb policyv1.PodDisruptionBudget
	if err := kube.Client.Get(context.Background(), keyOf(ns, name), &pdb); err != nil {
		t.Fatal(err)
	}
	pdb.Status = policyv1.PodDisruptionBudgetStatus{ObservedGeneration: pdb.Generation, DisruptionsAllowed: allowed,
		CurrentHealthy: allowed, DesiredHealthy: 0, ExpectedPods: allowed}
	if err := kube.Client.Status().Update(context.Background(), &pdb); err != nil {
		t.Fatal(err)
	}
}

func drainStatus(node, want string) error {
	var n corev1.Node
	if err := kube.Client.Get(context.Background(), client.ObjectKey{Name: node}, &n); err != nil {
		return err
	}
	if got := n.Annotations[v1alpha1.AnnotationDrainStatus]; got != want || !n.Spec.Unschedulable {
		return fmt.Errorf("drain status %q, unschedulable %v; want %q and cordoned", got, n.Spec.Unschedulable, want)
	}
	return nil
}
