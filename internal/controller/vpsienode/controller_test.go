package vpsienode

import (
	"context"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// recordingStarter records workflow starts instead of talking to Temporal; pending
// lists the activities its Describe reports.
type recordingStarter struct {
	starts  []sdkclient.StartWorkflowOptions
	inputs  []any
	pending []*workflowpb.PendingActivityInfo
}

func (r *recordingStarter) DescribeWorkflowExecution(context.Context, string, string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	return &workflowservice.DescribeWorkflowExecutionResponse{PendingActivities: r.pending}, nil
}

func (r *recordingStarter) ExecuteWorkflow(_ context.Context, o sdkclient.StartWorkflowOptions, _ any, args ...any) (sdkclient.WorkflowRun, error) {
	r.starts = append(r.starts, o)
	r.inputs = append(r.inputs, args...)
	return fakeRun{id: o.ID}, nil
}

// fakeRun answers the identity calls the controller makes on a started run.
type fakeRun struct {
	sdkclient.WorkflowRun
	id string
}

func (f fakeRun) GetID() string    { return f.id }
func (f fakeRun) GetRunID() string { return "run-1" }

func newVN(deleting bool, finalizers ...string) *v1alpha1.VPSieNode {
	vn := &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vn-1", UID: "uid-1", Finalizers: finalizers},
		Spec:       v1alpha1.VPSieNodeSpec{NodeGroup: "g", Hostname: "host-1"},
		Status:     v1alpha1.VPSieNodeStatus{VPSID: "vps-1", NodeName: "node-1"},
	}
	if deleting {
		now := metav1.NewTime(time.Now())
		vn.DeletionTimestamp = &now
	}
	return vn
}

func TestReconcile(t *testing.T) {
	tests := []struct {
		name          string
		vn            *v1alpha1.VPSieNode
		wantFinalizer bool
		wantStart     bool
	}{
		{name: "a live vpsienode gets the termination finalizer", vn: newVN(false), wantFinalizer: true},
		{name: "a deleted vpsienode starts its termination workflow",
			vn: newVN(true, v1alpha1.FinalizerVPSTermination), wantFinalizer: true, wantStart: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := runtime.NewScheme()
			if err := v1alpha1.AddToScheme(s); err != nil {
				t.Fatal(err)
			}
			c := fake.NewClientBuilder().WithScheme(s).WithObjects(tt.vn).WithStatusSubresource(tt.vn).Build()
			starter := &recordingStarter{}
			ctrl := NewController(c, workflowstart.New(starter, "tq"), "test-cluster", nil)

			res, err := ctrl.Reconcile(context.Background(), reconcile.Request{NamespacedName: client.ObjectKeyFromObject(tt.vn)})
			if err != nil {
				t.Fatalf("reconcile: %v", err)
			}
			var got v1alpha1.VPSieNode
			if err := c.Get(context.Background(), client.ObjectKeyFromObject(tt.vn), &got); err != nil {
				t.Fatal(err)
			}
			if has := controllerutil.ContainsFinalizer(&got, v1alpha1.FinalizerVPSTermination); has != tt.wantFinalizer {
				t.Errorf("finalizer present = %v, want %v", has, tt.wantFinalizer)
			}
			if !tt.wantStart {
				if len(starter.starts) != 0 {
					t.Errorf("started %d workflows, want none", len(starter.starts))
				}
				return
			}
			if len(starter.starts) != 1 {
				t.Fatalf("started %d workflows, want 1", len(starter.starts))
			}
			o := starter.starts[0]
			if o.ID != "terminate/ns/vn-1" || o.TaskQueue != "tq" ||
				o.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING {
				t.Errorf("start options = %+v, want deterministic ID on tq attaching to a running workflow", o)
			}
			want := contract.TerminateVPSieNodeInput{Namespace: "ns", Name: "vn-1", UID: "uid-1",
				Cluster: "test-cluster", VPSID: "vps-1", Hostname: "host-1", NodeName: "node-1"}
			if starter.inputs[0] != want {
				t.Errorf("input = %+v, want %+v", starter.inputs[0], want)
			}
			if res.RequeueAfter != recheckTermination {
				t.Errorf("requeueAfter = %v, want %v so a terminated run is restarted", res.RequeueAfter, recheckTermination)
			}
		})
	}
}

func TestReconcileRecordsATerminationThatKeepsFailing(t *testing.T) {
	tests := []struct {
		name          string
		attempt       int32
		wantLastError string
	}{
		{name: "two failures are not reported yet", attempt: 2},
		{name: "a third failure is recorded as lastError", attempt: 3,
			wantLastError: "activity DeleteOwnedVPS failed 2 times, retrying: vpsie 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := runtime.NewScheme()
			if err := v1alpha1.AddToScheme(s); err != nil {
				t.Fatal(err)
			}
			vn := newVN(true, v1alpha1.FinalizerVPSTermination)
			c := fake.NewClientBuilder().WithScheme(s).WithObjects(vn).WithStatusSubresource(vn).Build()
			starter := &recordingStarter{pending: []*workflowpb.PendingActivityInfo{{
				ActivityType: &commonpb.ActivityType{Name: "DeleteOwnedVPS"}, Attempt: tt.attempt,
				LastFailure: &failurepb.Failure{Message: "vpsie 503"},
			}}}
			rec := events.NewFakeRecorder(10)
			ctrl := NewController(c, workflowstart.New(starter, "tq"), "test-cluster", rec)
			for range 2 { // a second pass must not repeat the event
				if _, err := ctrl.Reconcile(context.Background(), reconcile.Request{NamespacedName: client.ObjectKeyFromObject(vn)}); err != nil {
					t.Fatalf("reconcile: %v", err)
				}
			}
			var got v1alpha1.VPSieNode
			if err := c.Get(context.Background(), client.ObjectKeyFromObject(vn), &got); err != nil {
				t.Fatal(err)
			}
			if got.Status.LastError != tt.wantLastError {
				t.Errorf("lastError = %q, want %q", got.Status.LastError, tt.wantLastError)
			}
			var warnings []string
			for len(rec.Events) > 0 {
				if e := <-rec.Events; strings.HasPrefix(e, "Warning") {
					warnings = append(warnings, e)
				}
			}
			if want := min(1, len(tt.wantLastError)); len(warnings) != want {
				t.Errorf("warning events = %q, want %d", warnings, want)
			}
		})
	}
}
