package vpsienode

import (
	"context"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	sdkclient "go.temporal.io/sdk/client"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// recordingStarter records workflow starts instead of talking to Temporal.
type recordingStarter struct {
	starts []sdkclient.StartWorkflowOptions
	inputs []any
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
		Status:     v1alpha1.VPSieNodeStatus{VPSID: "vps-1"},
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
			ctrl := NewController(c, starter, "tq", "test-cluster", nil)

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
				Cluster: "test-cluster", VPSID: "vps-1", Hostname: "host-1"}
			if starter.inputs[0] != want {
				t.Errorf("input = %+v, want %+v", starter.inputs[0], want)
			}
			if res.RequeueAfter != recheckTermination {
				t.Errorf("requeueAfter = %v, want %v so a terminated run is restarted", res.RequeueAfter, recheckTermination)
			}
		})
	}
}
