package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// TestDeletingANodeGroupCancelsItsRunsAndTakesItsNodesDown runs the operator against a real
// apiserver, Temporal server and a simulator that registers each VPS's Node. A group of two
// Ready nodes is asked for a third and deleted while that node boots: its ScaleUp run is
// cancelled (its compensation terminates the booting VPS), both Ready nodes are drained by
// DrainAndDelete runs (drain/<node>, in Temporal's history) and terminated, and only then
// does the NodeGroup go. No VPS, Node or VPSieNode is left.
func TestDeletingANodeGroupCancelsItsRunsAndTakesItsNodesDown(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	ctx := context.Background()
	// The third node is still booting (NotReady) when its group is deleted.
	sim, api := startJoiningSimulator(t, ns, 6*time.Second)
	op := startOperator(t, ns, api)
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "doomed"}, Spec: v1alpha1.NodeGroupSpec{
		MinNodes: 2, MaxNodes: 3, DatacenterID: "ams1", OfferingIDs: []string{"std-2c-4g"},
		OSImageID: "ubuntu-24.04-x64", KubernetesVersion: "v1.36.3"}}
	if err := c.Create(ctx, ng); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cleanUpGroup(t, ns) })
	eventually(t, "the cleanup finalizer on the group", func() error {
		if err := c.Get(ctx, keyOf(ns, "doomed"), ng); err != nil {
			return err
		}
		if !controllerutil.ContainsFinalizer(ng, v1alpha1.FinalizerNodeGroupCleanup) {
			return fmt.Errorf("finalizers %v", ng.Finalizers)
		}
		return nil
	})
	eventuallyWithin(t, time.Minute, "two ready nodes", func() error { return readyMembers(ns, 2) })
	ready := members(t, ns)

	if err := c.Patch(ctx, ng, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"minNodes":3}}`))); err != nil {
		t.Fatal(err)
	}
	var booting v1alpha1.VPSieNode
	eventually(t, "a third node booting", func() error {
		for _, vn := range members(t, ns) {
			if vn.Status.Phase != v1alpha1.PhaseReady && vn.Status.VPSID != "" {
				booting = vn
				return nil
			}
		}
		return fmt.Errorf("no booting node yet")
	})
	scaleUp := contract.ScaleUpWorkflowID(ns, "doomed", booting.Labels[v1alpha1.LabelBatch])
	deleted := time.Now()
	if err := c.Delete(ctx, ng); err != nil {
		t.Fatal(err)
	}

	// About 25 steps of four runs, one after another (the drains take one node at a time):
	// 20-35 s on an idle machine and more than 50 s in a CI run that shares two cores with
	// the e2e lanes. The test is about what goes and in what order, not how fast.
	eventuallyWithin(t, 3*time.Minute, "the NodeGroup gone", func() error {
		if err := c.Get(ctx, keyOf(ns, "doomed"), &v1alpha1.NodeGroup{}); !apierrors.IsNotFound(err) {
			var vns v1alpha1.VPSieNodeList
			_ = c.List(ctx, &vns, client.InNamespace(ns))
			return fmt.Errorf("still there (%v), %d vpsienodes", err, len(vns.Items))
		}
		return nil
	})
	t.Logf("the NodeGroup went %s after its deletion", time.Since(deleted).Round(time.Millisecond))
	if left := members(t, ns); len(left) != 0 {
		t.Errorf("vpsienodes left: %d", len(left))
	}
	st := sim.Snapshot()
	for _, vn := range append(ready, booting) {
		if vms := st.VMsByHostname(vn.Spec.Hostname); len(vms) != 0 {
			t.Errorf("vps of %s still there: %+v", vn.Name, vms)
		}
		if vn.Status.NodeName != "" {
			if err := c.Get(ctx, client.ObjectKey{Name: vn.Status.NodeName}, &corev1.Node{}); !apierrors.IsNotFound(err) {
				t.Errorf("node %s still there: %v", vn.Status.NodeName, err)
			}
		}
	}
	// A cancelled ScaleUp compensates its nodes and completes with their outcome.
	var res contract.ScaleUpResult
	if err := op.temporal.GetWorkflow(ctx, scaleUp, "").Get(ctx, &res); err != nil {
		t.Fatalf("the ScaleUp's result: %v", err)
	}
	if !cancelRequested(t, op, scaleUp) || len(res.Nodes) != 1 || res.Nodes[0].Ready {
		t.Errorf("the booting node's ScaleUp %s was not cancelled while its node booted: %+v", scaleUp, res)
	}
	for _, vn := range ready {
		eventually(t, "the drain of "+vn.Status.NodeName+" completed", func() error {
			if got := closeStatus(t, op, contract.DrainWorkflowID(vn.Status.NodeName)); got != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
				return fmt.Errorf("DrainAndDelete %s", got)
			}
			return nil
		})
	}
	if err := hasEvent(ns, "doomed", "NodeGroupDeleted", "drained and terminated"); err != nil {
		t.Error(err)
	}
}

// members lists the namespace's VPSieNodes.
func members(t *testing.T, ns string) []v1alpha1.VPSieNode {
	t.Helper()
	var vns v1alpha1.VPSieNodeList
	if err := kube.Client.List(context.Background(), &vns, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	return vns.Items
}

// closeStatus is how the latest run of id ended (running if it did not).
func closeStatus(t *testing.T, op *runningOperator, id string) enumspb.WorkflowExecutionStatus {
	t.Helper()
	resp, err := op.temporal.DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		t.Fatalf("describing %s: %v", id, err)
	}
	return resp.GetWorkflowExecutionInfo().GetStatus()
}

// cancelRequested reports whether the latest run of id was asked to cancel.
func cancelRequested(t *testing.T, op *runningOperator, id string) bool {
	t.Helper()
	it := op.temporal.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("reading the history of %s: %v", id, err)
		}
		if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED {
			return true
		}
	}
	return false
}
