package membership

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func vn(ns, name, group string, phase v1alpha1.VPSieNodePhase, mods ...func(*v1alpha1.VPSieNode)) *v1alpha1.VPSieNode {
	v := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:   v1alpha1.VPSieNodeSpec{NodeGroup: group, Hostname: name + "-host"},
		Status: v1alpha1.VPSieNodeStatus{Phase: phase}}
	for _, m := range mods {
		m(v)
	}
	return v
}

func recorded(node string) func(*v1alpha1.VPSieNode) {
	return func(v *v1alpha1.VPSieNode) { v.Status.NodeName = node }
}

func deleting(v *v1alpha1.VPSieNode) { v.DeletionTimestamp = &metav1.Time{} }

func node(name string, labels map[string]string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

func labels(vpsieNode, group string) map[string]string {
	l := map[string]string{v1alpha1.LabelManaged: "true", v1alpha1.LabelVPSieNode: vpsieNode}
	if group != "" {
		l[v1alpha1.LabelNodeGroup] = group
	}
	return l
}

func name(v *v1alpha1.VPSieNode) string {
	if v == nil {
		return ""
	}
	return v.Namespace + "/" + v.Name
}

func TestOwnerOfFollowsRecordedNameThenHostnameThenUnambiguousLabel(t *testing.T) {
	tests := []struct {
		name  string
		vns   []*v1alpha1.VPSieNode
		node  *corev1.Node
		owner string
	}{
		{"the VPSieNode that recorded the Node owns it",
			[]*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseReady, recorded("n1"))}, node("n1", nil), "a/x"},
		{"a recorded name beats another VPSieNode's hostname",
			[]*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseReady, recorded("y-host")), vn("a", "y", "g", v1alpha1.PhaseJoining)},
			node("y-host", nil), "a/x"},
		{"before any record, the hostname names the owner",
			[]*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseJoining)}, node("x-host", nil), "a/x"},
		{"a VPSieNode that recorded another Node does not own its hostname's Node",
			[]*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseReady, recorded("other"))}, node("x-host", nil), ""},
		{"a Node under a server-chosen name is found by its labels",
			[]*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseJoining)}, node("worker-17", labels("x", "g")), "a/x"},
		{"a label naming a VPSieNode of another group proves nothing",
			[]*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseJoining)}, node("worker-17", labels("x", "other")), ""},
		{"a label that fits VPSieNodes in two namespaces proves nothing",
			[]*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseJoining), vn("b", "x", "g", v1alpha1.PhaseJoining)},
			node("worker-17", labels("x", "g")), ""},
		{"a label never takes a Node from the VPSieNode that recorded another",
			[]*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseReady, recorded("n1"))}, node("worker-17", labels("x", "g")), ""},
		{"a Node nobody claims has no owner", []*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseReady)}, node("stray", nil), ""},
		{"a leaving VPSieNode still owns its Node",
			[]*v1alpha1.VPSieNode{vn("a", "x", "g", v1alpha1.PhaseTerminating, recorded("n1"))}, node("n1", nil), "a/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := New(tt.vns, []*corev1.Node{tt.node})
			if got := name(ix.OwnerOf(tt.node.Name)); got != tt.owner {
				t.Fatalf("OwnerOf(%s) = %q, want %q", tt.node.Name, got, tt.owner)
			}
			if tt.owner == "" {
				return
			}
			if got := ix.NodeOf(ix.OwnerOf(tt.node.Name)); got != tt.node {
				t.Fatalf("NodeOf(owner) = %v, want the Node it owns", got)
			}
		})
	}
}

func TestGroupsCountMembersInFlightAndLeavingByOneRule(t *testing.T) {
	g := types.NamespacedName{Namespace: "a", Name: "g"}
	vns := []*v1alpha1.VPSieNode{
		vn("a", "ready", "g", v1alpha1.PhaseReady),
		vn("a", "booting", "g", v1alpha1.PhaseProvisioning),
		vn("a", "pending", "g", v1alpha1.PhasePending),
		vn("a", "failed", "g", v1alpha1.PhaseFailed),
		vn("a", "terminating", "g", v1alpha1.PhaseTerminating),
		vn("a", "deleting", "g", v1alpha1.PhaseDeleting),
		vn("a", "deleted-while-ready", "g", v1alpha1.PhaseReady, deleting),
		vn("a", "deleted-while-booting", "g", v1alpha1.PhaseJoining, deleting),
		vn("b", "same-group-name-elsewhere", "g", v1alpha1.PhaseReady),
		vn("a", "other-group", "h", v1alpha1.PhaseReady),
	}
	ix := New(vns, nil)
	names := func(vs []*v1alpha1.VPSieNode) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Name)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		got  []*v1alpha1.VPSieNode
		want []string
	}{
		{"members are all but the leaving, failed ones included", ix.MembersOf(g), []string{"booting", "failed", "pending", "ready"}},
		{"in flight are members not Ready and not Failed", ix.InFlightOf(g), []string{"booting", "pending"}},
		{"leaving are deleted or terminating", ix.LeavingOf(g), []string{"deleted-while-booting", "deleted-while-ready", "deleting", "terminating"}},
	} {
		if got := names(tt.got); !equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if ix.Size(g) != 4 || len(ix.All(g)) != 8 {
		t.Errorf("Size = %d, All = %d; want 4 and 8", ix.Size(g), len(ix.All(g)))
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
