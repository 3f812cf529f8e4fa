package nodegroup

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
)

// observation is everything the status is computed from, gathered before any
// write so the computation stays a pure function that tests can table.
// nodes are candidates only: a Node counts solely through the member it is
// matched to (see membership.Index.NodeOf), so extra Nodes do no harm.
type observation struct {
	group      *v1alpha1.NodeGroup
	vpsieNodes []v1alpha1.VPSieNode
	nodes      []corev1.Node
	now        metav1.Time
	// blocked is the provisioner's verdict on the group, if any.
	blocked *Verdict
	// scaleDown is the scale-down controller's report on the group, if any; tracked says
	// whether one runs (without it, status.scaleDown is left alone).
	scaleDown *ScaleDownReport
	tracked   bool
	// rebalance is the rebalance controller's report on the group, if any.
	rebalance *RebalanceReport
	// bootstrap is the check of the group's bootstrap configuration (nil error: valid);
	// nil when the controller checks none.
	bootstrap *error
}

// computeStatus returns the status the group should have. It starts from the
// current status so timestamps and condition transition times are kept.
func computeStatus(o observation) v1alpha1.NodeGroupStatus {
	st := *o.group.Status.DeepCopy()
	st.ObservedGeneration = o.group.Generation

	nodes := membership.New(membership.Pointers(o.vpsieNodes), membership.Pointers(o.nodes))
	st.Nodes = members(o.vpsieNodes, nodes)
	st.CurrentNodes = countCurrent(o.vpsieNodes)
	st.ReadyNodes = countReady(o.vpsieNodes, nodes)
	st.DesiredNodes = clamp(st.CurrentNodes, o.group.Spec.MinNodes, o.group.Spec.MaxNodes)
	st.LastScaleUpTime, st.LastScaleDownTime = scaleTimes(st, o.vpsieNodes)
	if o.tracked {
		st.ScaleDown = scaleDownStatus(o.scaleDown)
		st.LastScaleDownTime = lastScaleDown(st.LastScaleDownTime, o.scaleDown)
	}
	applyRebalance(&st, o.rebalance)

	cs := append(conditions(o.group.Spec, st, o.vpsieNodes), scaleUpCondition(o.blocked))
	if o.group.DeletionTimestamp != nil {
		cs = append(cs, deletingCondition(o.vpsieNodes, nodes))
	}
	if o.bootstrap != nil {
		cs = append(cs, bootstrapCondition(o.group, *o.bootstrap))
	}
	for _, c := range cs {
		c.ObservedGeneration = o.group.Generation
		c.LastTransitionTime = o.now
		meta.SetStatusCondition(&st.Conditions, c)
	}
	return st
}

func members(vns []v1alpha1.VPSieNode, nodes *membership.Index) []v1alpha1.NodeGroupMember {
	out := make([]v1alpha1.NodeGroupMember, 0, len(vns))
	for i := range vns {
		vn := &vns[i]
		n := nodes.NodeOf(vn)
		out = append(out, v1alpha1.NodeGroupMember{
			Name:     vn.Name,
			NodeName: memberNodeName(vn, n),
			VPSID:    vn.Status.VPSID,
			Phase:    vn.Status.Phase,
			Ready:    nodeReady(n),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		return nil
	}
	return out
}

// memberNodeName is the recorded Node name or, before one is recorded, the
// Node found by label, so a member shown Ready always names its Node.
func memberNodeName(vn *v1alpha1.VPSieNode, n *corev1.Node) string {
	if vn.Status.NodeName == "" && n != nil {
		return n.Name
	}
	return vn.Status.NodeName
}

// countReady counts the Ready Nodes of the members countCurrent counts, so
// ReadyNodes can never exceed CurrentNodes through a leaving member's Node,
// an orphaned Node or another group's Node. A Node claimed by two members
// is one node and counts once.
func countReady(vns []v1alpha1.VPSieNode, nodes *membership.Index) int32 {
	seen := make(map[string]bool, len(vns))
	for i := range vns {
		if vns[i].Leaving() {
			continue
		}
		if n := nodes.NodeOf(&vns[i]); nodeReady(n) {
			seen[n.Name] = true
		}
	}
	return int32(len(seen))
}

// countCurrent counts the members (the one rule: v1alpha1.VPSieNode.IsMember).
func countCurrent(vns []v1alpha1.VPSieNode) int32 {
	var n int32
	for i := range vns {
		if vns[i].IsMember() {
			n++
		}
	}
	return n
}

func clamp(v, lo, hi int32) int32 {
	return max(lo, min(v, hi))
}

// scaleTimes folds the newest creation and termination seen into the
// previous values; members that are gone no longer show, so never go back.
func scaleTimes(st v1alpha1.NodeGroupStatus, vns []v1alpha1.VPSieNode) (up, down *metav1.Time) {
	up, down = st.LastScaleUpTime, st.LastScaleDownTime
	for i := range vns {
		vn := &vns[i]
		up = later(up, &vn.CreationTimestamp)
		down = later(down, vn.Status.TerminatingAt)
		down = later(down, vn.DeletionTimestamp)
	}
	return up, down
}

func later(cur, t *metav1.Time) *metav1.Time {
	if t == nil || t.IsZero() {
		return cur
	}
	if cur == nil || t.After(cur.Time) {
		c := *t
		return &c
	}
	return cur
}

func failedNames(vns []v1alpha1.VPSieNode) []string {
	var out []string
	for i := range vns {
		if vns[i].Status.Phase == v1alpha1.PhaseFailed {
			out = append(out, vns[i].Name)
		}
	}
	sort.Strings(out)
	return out
}

func joinLimited(names []string, limit int) string {
	if len(names) <= limit {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:limit], ", "), len(names)-limit)
}
