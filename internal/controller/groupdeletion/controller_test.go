package groupdeletion

import (
	"context"
	"slices"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// fakeTemporal runs the workflows of running, lists those with the scale-up prefix, records
// cancels and starts.
type fakeTemporal struct {
	listErr   error
	running   map[string]bool
	cancelled []string
	started   []string
}

func (f *fakeTemporal) DescribeWorkflowExecution(_ context.Context, id, _ string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	if !f.running[id] {
		return nil, serviceerror.NewNotFound("no " + id)
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
		Status: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING}}, nil
}

func (f *fakeTemporal) ListWorkflow(context.Context, *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	if f.listErr != nil {
		return nil, f.listErr
	}
	var out []*workflowpb.WorkflowExecutionInfo
	for id := range f.running {
		out = append(out, &workflowpb.WorkflowExecutionInfo{Execution: &commonpb.WorkflowExecution{WorkflowId: id}})
	}
	return &workflowservice.ListWorkflowExecutionsResponse{Executions: out}, nil
}

func (f *fakeTemporal) CancelWorkflow(_ context.Context, id, _ string) error {
	f.cancelled = append(f.cancelled, id)
	return nil
}

func (f *fakeTemporal) ExecuteWorkflow(_ context.Context, o sdkclient.StartWorkflowOptions, _ any, _ ...any) (sdkclient.WorkflowRun, error) {
	f.started = append(f.started, o.ID)
	return nil, nil
}

func member(name string, withNode bool) (*v1alpha1.VPSieNode, *corev1.Node) {
	vn := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, Finalizers: []string{"keep"}},
		Spec: v1alpha1.VPSieNodeSpec{NodeGroup: "g", Hostname: name}, Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseReady}}
	if !withNode {
		return vn, nil
	}
	vn.Status.NodeName = name
	return vn, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

func TestADeletedGroupIsTakenDownStepByStep(t *testing.T) {
	ctx := context.Background()
	now := metav1.NewTime(time.Now())
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "g", DeletionTimestamp: &now,
		Finalizers: []string{v1alpha1.FinalizerNodeGroupCleanup}}}
	a, na := member("a", true)
	b, nb := member("b", true)
	booting, _ := member("booting", false)
	kube := fake.NewClientBuilder().WithScheme(testenv.NewScheme()).WithObjects(ng, a, na, b, nb, booting).Build()
	scaleUp := contract.ScaleUpWorkflowID("ns", "g", "b1")
	tc := &fakeTemporal{running: map[string]bool{scaleUp: true}}
	c := NewController(kube, workflowstart.New(tc, "q"), tc, events.NewFakeRecorder(32), Options{MaxParallelDrains: 1})
	req := reconcile.Request{NamespacedName: ng.Key()}

	if _, err := c.Reconcile(ctx, req); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tc.cancelled, []string{scaleUp}) || len(tc.started) != 0 {
		t.Fatalf("while a run runs: cancelled %v, started %v; want the run cancelled and no drain", tc.cancelled, tc.started)
	}

	delete(tc.running, scaleUp) // the run compensated and ended
	if _, err := c.Reconcile(ctx, req); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tc.started, []string{contract.DrainWorkflowID("a")}) {
		t.Fatalf("drains started %v, want drain/a only (one at a time)", tc.started)
	}
	var gone v1alpha1.VPSieNode
	if err := kube.Get(ctx, client.ObjectKeyFromObject(booting), &gone); err != nil || gone.DeletionTimestamp == nil {
		t.Fatalf("the VPSieNode without a Node is not being deleted: %v", err)
	}

	for _, vn := range []*v1alpha1.VPSieNode{a, b, booting} { // their terminations ended
		if err := kube.Get(ctx, client.ObjectKeyFromObject(vn), vn); err != nil {
			t.Fatal(err)
		}
		vn.Finalizers = nil
		if err := kube.Update(ctx, vn); err != nil {
			t.Fatal(err)
		}
		_ = kube.Delete(ctx, vn)
	}
	if _, err := c.Reconcile(ctx, req); err != nil {
		t.Fatal(err)
	}
	if err := kube.Get(ctx, req.NamespacedName, &v1alpha1.NodeGroup{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the group with nothing left is still there: %v", err)
	}
}

func TestALiveGroupGetsTheCleanupFinalizer(t *testing.T) {
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "g"}}
	kube := fake.NewClientBuilder().WithScheme(testenv.NewScheme()).WithObjects(ng).Build()
	c := NewController(kube, nil, &fakeTemporal{}, events.NewFakeRecorder(1), Options{})
	if _, err := c.Reconcile(context.Background(), reconcile.Request{NamespacedName: ng.Key()}); err != nil {
		t.Fatal(err)
	}
	if err := kube.Get(context.Background(), ng.Key(), ng); err != nil || !controllerutil.ContainsFinalizer(ng, v1alpha1.FinalizerNodeGroupCleanup) {
		t.Fatalf("finalizers %v (%v)", ng.Finalizers, err)
	}
}

// A visibility store that cannot list does not hold the deletion: the runs the VPSieNodes'
// batch labels name are still cancelled.
func TestRunsAreFoundByBatchLabelsWhenTemporalCannotList(t *testing.T) {
	now := metav1.NewTime(time.Now())
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "g", DeletionTimestamp: &now,
		Finalizers: []string{v1alpha1.FinalizerNodeGroupCleanup}}}
	booting, _ := member("booting", false)
	booting.Labels = map[string]string{v1alpha1.LabelBatch: "b7"}
	kube := fake.NewClientBuilder().WithScheme(testenv.NewScheme()).WithObjects(ng, booting).Build()
	run := contract.ScaleUpWorkflowID("ns", "g", "b7")
	tc := &fakeTemporal{listErr: serviceerror.NewInvalidArgument("STARTS_WITH not supported"), running: map[string]bool{run: true}}
	c := NewController(kube, workflowstart.New(tc, "q"), tc, events.NewFakeRecorder(8), Options{})
	if _, err := c.Reconcile(context.Background(), reconcile.Request{NamespacedName: ng.Key()}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tc.cancelled, []string{run}) {
		t.Fatalf("cancelled %v, want %s", tc.cancelled, run)
	}
}
