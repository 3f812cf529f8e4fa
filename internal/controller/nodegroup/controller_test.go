package nodegroup

import (
	"context"
	"slices"
	"sort"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// twoNamespaces is a cluster where team-a and team-b each have a NodeGroup
// named workers, so every Node carries the same group label:
//   - team-a: a1 NotReady, a2 being deleted with a still Ready Node, a3 Ready;
//   - team-b: b1 Ready, b2 not yet recorded but its Node labelled with it, Ready;
//   - stray: a Ready Node with the group label that no VPSieNode owns.
func twoNamespaces(t *testing.T) client.Client {
	t.Helper()
	s := runtime.NewScheme()
	if err := corev1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	objs := []client.Object{
		ngIn("team-a"), ngIn("team-b"),
		memberIn("team-a", "a1", "a1", false), memberIn("team-a", "a2", "a2", true), memberIn("team-a", "a3", "a3", false),
		memberIn("team-b", "b1", "b1", false), memberIn("team-b", "b2", "", false),
		nodeObj(labelled(node("a1", false), "workers", "a1")),
		nodeObj(labelled(node("a2", true), "workers", "a2")),
		nodeObj(labelled(node("a3", true), "workers", "a3")),
		nodeObj(labelled(node("b1", true), "workers", "b1")),
		nodeObj(labelled(node("host-b2", true), "workers", "b2")),
		nodeObj(labelled(node("stray", true), "workers", "")),
	}
	b := fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).WithStatusSubresource(&v1alpha1.NodeGroup{})
	for _, ix := range vpsieNodeIndexes {
		b = b.WithIndex(&v1alpha1.VPSieNode{}, ix.field, ix.extract)
	}
	return b.Build()
}

func ngIn(ns string) *v1alpha1.NodeGroup {
	g := group(0, 5)
	g.Namespace = ns
	return g
}

func memberIn(ns, name, nodeName string, deleting bool) *v1alpha1.VPSieNode {
	v := recording(vn(name, v1alpha1.PhaseReady), nodeName)
	v.Namespace = ns
	v.Spec.NodeGroup = "workers"
	if deleting {
		v = deleted(v)
		v.Finalizers = []string{v1alpha1.FinalizerVPSTermination}
	}
	return &v
}

func nodeObj(n corev1.Node) *corev1.Node { return &n }

func TestReconcileCountsOnlyTheGroupsOwnMembersNodes(t *testing.T) {
	tests := []struct {
		ns             string
		current, ready int32
		readyStatus    metav1.ConditionStatus
	}{
		{ns: "team-a", current: 2, ready: 1, readyStatus: metav1.ConditionFalse},
		{ns: "team-b", current: 2, ready: 2, readyStatus: metav1.ConditionTrue},
	}
	for _, tt := range tests {
		t.Run(tt.ns, func(t *testing.T) {
			c := twoNamespaces(t)
			ctrl := NewController(c, clocktesting.NewFakeClock(t0.Time), nil)
			key := types.NamespacedName{Namespace: tt.ns, Name: "workers"}
			if _, err := ctrl.Reconcile(context.Background(), reconcile.Request{NamespacedName: key}); err != nil {
				t.Fatalf("reconcile: %v", err)
			}
			var ng v1alpha1.NodeGroup
			if err := c.Get(context.Background(), key, &ng); err != nil {
				t.Fatal(err)
			}
			if ng.Status.CurrentNodes != tt.current || ng.Status.ReadyNodes != tt.ready {
				t.Errorf("current/ready = %d/%d, want %d/%d", ng.Status.CurrentNodes, ng.Status.ReadyNodes, tt.current, tt.ready)
			}
			if cond := meta.FindStatusCondition(ng.Status.Conditions, v1alpha1.ConditionReady); cond == nil || cond.Status != tt.readyStatus {
				t.Errorf("Ready condition = %+v, want %s", cond, tt.readyStatus)
			}
		})
	}
}

func TestNodeEventsReconcileTheGroupsOfTheMembersMatchedToTheNode(t *testing.T) {
	c := twoNamespaces(t)
	ctrl := NewController(c, clocktesting.NewFakeClock(t0.Time), nil)
	tests := []struct {
		node string
		want []string // namespaces of the workers groups to reconcile
	}{
		{node: "a1", want: []string{"team-a"}},
		{node: "b1", want: []string{"team-b"}},
		{node: "host-b2", want: []string{"team-b"}}, // matched by its vpsienode label only
		{node: "stray", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.node, func(t *testing.T) {
			var n corev1.Node
			if err := c.Get(context.Background(), client.ObjectKey{Name: tt.node}, &n); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range ctrl.nodeToGroups(context.Background(), &n) {
				if r.Name != "workers" {
					t.Errorf("request for group %s, want workers", r.NamespacedName)
				}
				got = append(got, r.Namespace)
			}
			sort.Strings(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("node %s reconciles groups in %v, want %v", tt.node, got, tt.want)
			}
		})
	}
}
