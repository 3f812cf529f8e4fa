package activities_test

import (
	"context"
	"testing"

	"go.temporal.io/sdk/testsuite"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/vpsie/vpsie-autoscaler/activities"
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// A termination run belongs to one VPSieNode object: when a new object has taken the name, the run must neither
// release its finalizer nor move its phase.
func TestKubeActivitiesTouchOnlyTheObjectWithTheRunsUID(t *testing.T) {
	tests := []struct {
		name          string
		refUID        string
		wantFinalizer bool
		wantPhase     v1alpha1.VPSieNodePhase
	}{
		{name: "same object: released and marked", refUID: "uid-1", wantPhase: v1alpha1.PhaseDeleting},
		{name: "a later object with the name: untouched", refUID: "uid-old", wantFinalizer: true,
			wantPhase: v1alpha1.PhaseReady},
		{name: "no uid (older runs): by name", refUID: "", wantPhase: v1alpha1.PhaseDeleting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := runtime.NewScheme()
			if err := v1alpha1.AddToScheme(s); err != nil {
				t.Fatal(err)
			}
			vn := &v1alpha1.VPSieNode{
				ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vn-1", UID: "uid-1",
					Finalizers: []string{v1alpha1.FinalizerVPSTermination}},
				Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseReady},
			}
			c := fake.NewClientBuilder().WithScheme(s).WithObjects(vn).WithStatusSubresource(vn).Build()
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			activities.Register(env, activities.Set{Kube: &activities.Kube{Client: c}})
			ref := contract.VPSieNodeRef{Namespace: "ns", Name: "vn-1", UID: tt.refUID}

			if _, err := env.ExecuteActivity(contract.RecordVPSieNodeActivity,
				contract.RecordVPSieNodeInput{VPSieNodeRef: ref, Phase: contract.PhaseDeleting}); err != nil {
				t.Fatalf("set phase: %v", err)
			}
			if _, err := env.ExecuteActivity(contract.ReleaseVPSieNodeActivity, ref); err != nil {
				t.Fatalf("release: %v", err)
			}
			var got v1alpha1.VPSieNode
			if err := c.Get(context.Background(), client.ObjectKeyFromObject(vn), &got); err != nil {
				t.Fatal(err)
			}
			if has := controllerutil.ContainsFinalizer(&got, v1alpha1.FinalizerVPSTermination); has != tt.wantFinalizer {
				t.Errorf("finalizer present = %v, want %v", has, tt.wantFinalizer)
			}
			if got.Status.Phase != tt.wantPhase {
				t.Errorf("phase = %s, want %s", got.Status.Phase, tt.wantPhase)
			}
		})
	}
}

func TestDeleteVPSieNodeNodeDeletesOnlyTheVPSsNode(t *testing.T) {
	ref := contract.VPSieNodeRef{Namespace: "ns", Name: "vn-1", UID: "uid-1"}
	tests := []struct {
		name        string
		node        *corev1.Node
		wantDeleted bool
	}{
		{name: "provider id of a deleted vps: deleted",
			node:        &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "host-1"}, Spec: corev1.NodeSpec{ProviderID: "vpsie://vps-1"}},
			wantDeleted: true},
		{name: "labelled as the vpsienode's: deleted",
			node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "host-1", Labels: map[string]string{
				v1alpha1.LabelManaged: "true", v1alpha1.LabelVPSieNode: "vn-1"}}},
			wantDeleted: true},
		{name: "another vps's node with the name: left alone",
			node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "host-1"}, Spec: corev1.NodeSpec{ProviderID: "vpsie://vps-9"}}},
		{name: "an unlabelled node without provider id: left alone",
			node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "host-1"}}},
		{name: "no node: nothing to do"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fake.NewClientBuilder()
			if tt.node != nil {
				b = b.WithObjects(tt.node)
			}
			c := b.Build()
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			activities.Register(env, activities.Set{Kube: &activities.Kube{Client: c}})
			val, err := env.ExecuteActivity(contract.DeleteVPSieNodeNodeActivity,
				contract.DeleteVPSieNodeNodeInput{VPSieNode: ref, NodeName: "host-1", VPSIDs: []string{"vps-1"}})
			if err != nil {
				t.Fatal(err)
			}
			var res contract.DeleteVPSieNodeNodeResult
			if err := val.Get(&res); err != nil {
				t.Fatal(err)
			}
			err = c.Get(context.Background(), client.ObjectKey{Name: "host-1"}, &corev1.Node{})
			gone := apierrors.IsNotFound(err)
			if res.Deleted != tt.wantDeleted || (tt.node != nil && gone != tt.wantDeleted) {
				t.Fatalf("result %+v, node gone %v; want deleted %v", res, gone, tt.wantDeleted)
			}
			if tt.node != nil && !tt.wantDeleted && res.LeftAlone == "" {
				t.Error("a node left alone must say why")
			}
		})
	}
}

// VPSieNodeDeleted tells a rebalance whether a failed drain got as far as deleting the
// node: gone, replaced by a later object, or terminating is deleted; a live object is not.
func TestVPSieNodeDeletedSeesGoneAndTerminatingObjects(t *testing.T) {
	tests := []struct {
		name string
		objs []client.Object
		ref  contract.VPSieNodeRef
		want bool
	}{
		{name: "live object", objs: []client.Object{vpsieNode("uid-1", false)}, ref: vnRef("uid-1")},
		{name: "terminating object", objs: []client.Object{vpsieNode("uid-1", true)}, ref: vnRef("uid-1"), want: true},
		{name: "gone", ref: vnRef("uid-1"), want: true},
		{name: "a later object of the name", objs: []client.Object{vpsieNode("uid-2", false)}, ref: vnRef("uid-1"), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := runtime.NewScheme()
			if err := v1alpha1.AddToScheme(s); err != nil {
				t.Fatal(err)
			}
			c := fake.NewClientBuilder().WithScheme(s).WithObjects(tt.objs...).Build()
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			activities.Register(env, activities.Set{Kube: &activities.Kube{Client: c}})
			v, err := env.ExecuteActivity(contract.VPSieNodeDeletedActivity, tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			var got bool
			if err := v.Get(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("deleted = %v, want %v", got, tt.want)
			}
		})
	}
}

func vnRef(uid string) contract.VPSieNodeRef {
	return contract.VPSieNodeRef{Namespace: "ns", Name: "vn-1", UID: uid}
}

func vpsieNode(uid string, deleting bool) *v1alpha1.VPSieNode {
	vn := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vn-1", UID: types.UID(uid),
		Finalizers: []string{v1alpha1.FinalizerVPSTermination}}}
	if deleting {
		now := metav1.Now()
		vn.DeletionTimestamp = &now
	}
	return vn
}
