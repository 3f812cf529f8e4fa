package nodegroup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// deleted marks vn as being deleted while its phase still says Ready, as it
// is between the delete and the termination workflow's first status write.
func deleted(v v1alpha1.VPSieNode) v1alpha1.VPSieNode {
	v.DeletionTimestamp = &t0
	return v
}

// unrecorded drops vn's recorded Node name, as before the Node registered.
func unrecorded(v v1alpha1.VPSieNode) v1alpha1.VPSieNode { return recording(v, "") }

// recording makes vn record nodeName as its Node.
func recording(v v1alpha1.VPSieNode, nodeName string) v1alpha1.VPSieNode {
	v.Status.NodeName = nodeName
	return v
}

// labelled gives n the group's labels as they would be applied at join.
func labelled(n corev1.Node, group, member string) corev1.Node {
	n.Labels = map[string]string{v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: group}
	if member != "" {
		n.Labels[v1alpha1.LabelVPSieNode] = member
	}
	return n
}

// TestComputeStatusCountsReadyNodesOfCountedMembersOnly pins that ReadyNodes
// is drawn from the same members as CurrentNodes, so the Ready condition
// never compares counts of two different sets.
func TestComputeStatusCountsReadyNodesOfCountedMembersOnly(t *testing.T) {
	tests := []struct {
		name           string
		vns            []v1alpha1.VPSieNode
		nodes          []corev1.Node
		current, ready int32
		readyStatus    metav1.ConditionStatus
		readyMessage   string
		memberReady    map[string]bool
		memberNodeName map[string]string
	}{
		{
			name: "a NotReady member beside a terminating member with a Ready node leaves the group not ready",
			vns: []v1alpha1.VPSieNode{
				vn("a", v1alpha1.PhaseReady), deleted(vn("b", v1alpha1.PhaseReady)), vn("c", v1alpha1.PhaseReady),
			},
			nodes:   []corev1.Node{node("a", false), node("b", true), node("c", true)},
			current: 2, ready: 1, readyStatus: metav1.ConditionFalse, readyMessage: "1 of 2 nodes ready",
			memberReady: map[string]bool{"a": false, "b": true, "c": true},
		},
		{
			name: "a member in phase Terminating with a Ready node is not counted ready either",
			vns: []v1alpha1.VPSieNode{
				vn("a", v1alpha1.PhaseReady), vn("b", v1alpha1.PhaseTerminating), vn("c", v1alpha1.PhaseReady),
			},
			nodes:   []corev1.Node{node("a", false), node("b", true), node("c", true)},
			current: 2, ready: 1, readyStatus: metav1.ConditionFalse, readyMessage: "1 of 2 nodes ready",
		},
		{
			name: "a Ready node of another namespace's same-named group does not count",
			vns:  []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady)},
			nodes: []corev1.Node{
				labelled(node("a", false), "workers", "a"),
				labelled(node("other-x", true), "workers", "other-x"),
			},
			current: 1, ready: 0, readyStatus: metav1.ConditionFalse, readyMessage: "0 of 1 nodes ready",
		},
		{
			name: "an orphaned Ready node with the group label but no vpsienode does not count",
			vns:  []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady)},
			nodes: []corev1.Node{
				labelled(node("a", false), "workers", "a"),
				labelled(node("stray", true), "workers", ""),
				labelled(node("stray-2", true), "workers", "gone"),
			},
			current: 1, ready: 0, readyStatus: metav1.ConditionFalse, readyMessage: "0 of 1 nodes ready",
		},
		{
			name:    "a member without a recorded node name is matched by the node's vpsienode label",
			vns:     []v1alpha1.VPSieNode{unrecorded(vn("a", v1alpha1.PhaseJoining)), vn("b", v1alpha1.PhaseReady)},
			nodes:   []corev1.Node{labelled(node("host-a", true), "workers", "a"), node("b", true)},
			current: 2, ready: 2, readyStatus: metav1.ConditionTrue, readyMessage: "2 of 2 nodes ready",
			memberReady:    map[string]bool{"a": true, "b": true},
			memberNodeName: map[string]string{"a": "host-a", "b": "b"},
		},
		{
			name:    "a vpsienode label is not trusted on a node labelled for another group",
			vns:     []v1alpha1.VPSieNode{unrecorded(vn("a", v1alpha1.PhaseJoining))},
			nodes:   []corev1.Node{labelled(node("host-a", true), "batch", "a")},
			current: 1, ready: 0, readyStatus: metav1.ConditionFalse, readyMessage: "0 of 1 nodes ready",
			memberReady: map[string]bool{"a": false}, memberNodeName: map[string]string{"a": ""},
		},
		{
			name: "a recorded node name wins over a stale vpsienode label on another node",
			vns:  []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady)},
			nodes: []corev1.Node{
				node("a", false),
				labelled(node("old-a", true), "workers", "a"),
			},
			current: 1, ready: 0, readyStatus: metav1.ConditionFalse, readyMessage: "0 of 1 nodes ready",
			memberReady: map[string]bool{"a": false},
		},
		{
			name: "a node labelled for one member but recorded by another counts only for the recorder",
			vns:  []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady), unrecorded(vn("b", v1alpha1.PhaseJoining))},
			nodes: []corev1.Node{
				labelled(node("a", true), "workers", "b"),
			},
			current: 2, ready: 1, readyStatus: metav1.ConditionFalse, readyMessage: "1 of 2 nodes ready",
			memberReady: map[string]bool{"a": true, "b": false},
		},
		{
			name:    "two members recording the same node are one ready node",
			vns:     []v1alpha1.VPSieNode{vn("a", v1alpha1.PhaseReady), recording(vn("b", v1alpha1.PhaseReady), "a")},
			nodes:   []corev1.Node{node("a", true)},
			current: 2, ready: 1, readyStatus: metav1.ConditionFalse, readyMessage: "1 of 2 nodes ready",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := computeStatus(observation{group: group(0, 5), vpsieNodes: tt.vns, nodes: tt.nodes, now: t0})
			if st.CurrentNodes != tt.current || st.ReadyNodes != tt.ready {
				t.Fatalf("current/ready = %d/%d, want %d/%d", st.CurrentNodes, st.ReadyNodes, tt.current, tt.ready)
			}
			c := meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionReady)
			if c == nil || c.Status != tt.readyStatus || c.Message != tt.readyMessage {
				t.Errorf("Ready condition = %+v, want status %s message %q", c, tt.readyStatus, tt.readyMessage)
			}
			for _, m := range st.Nodes {
				if want, ok := tt.memberReady[m.Name]; ok && m.Ready != want {
					t.Errorf("member %s ready = %v, want %v", m.Name, m.Ready, want)
				}
				if want, ok := tt.memberNodeName[m.Name]; ok && m.NodeName != want {
					t.Errorf("member %s nodeName = %q, want %q", m.Name, m.NodeName, want)
				}
			}
		})
	}
}
