package nodegroup

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// observation is everything the status is computed from, gathered before any
// write so the computation stays a pure function that tests can table.
type observation struct {
	group      *v1alpha1.NodeGroup
	vpsieNodes []v1alpha1.VPSieNode
	nodes      []corev1.Node
	now        metav1.Time
}

// computeStatus returns the status the group should have. It starts from the
// current status so timestamps and condition transition times are kept.
func computeStatus(o observation) v1alpha1.NodeGroupStatus {
	st := *o.group.Status.DeepCopy()
	st.ObservedGeneration = o.group.Generation

	readyNodes := readyNodeNames(o.nodes)
	st.Nodes = members(o.vpsieNodes, readyNodes)
	st.CurrentNodes = countCurrent(o.vpsieNodes)
	st.ReadyNodes = int32(len(readyNodes))
	st.DesiredNodes = clamp(st.CurrentNodes, o.group.Spec.MinNodes, o.group.Spec.MaxNodes)
	st.LastScaleUpTime, st.LastScaleDownTime = scaleTimes(st, o.vpsieNodes)

	for _, c := range conditions(o.group.Spec, st, o.vpsieNodes) {
		c.ObservedGeneration = o.group.Generation
		c.LastTransitionTime = o.now
		meta.SetStatusCondition(&st.Conditions, c)
	}
	return st
}

// readyNodeNames returns the names of Ready Nodes; Nodes are already
// filtered to the group by label.
func readyNodeNames(nodes []corev1.Node) map[string]bool {
	ready := map[string]bool{}
	for i := range nodes {
		for _, c := range nodes[i].Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				ready[nodes[i].Name] = true
			}
		}
	}
	return ready
}

func members(vns []v1alpha1.VPSieNode, ready map[string]bool) []v1alpha1.NodeGroupMember {
	out := make([]v1alpha1.NodeGroupMember, 0, len(vns))
	for i := range vns {
		vn := &vns[i]
		nodeName := vn.Status.NodeName
		out = append(out, v1alpha1.NodeGroupMember{
			Name:     vn.Name,
			NodeName: nodeName,
			VPSID:    vn.Status.VPSID,
			Phase:    vn.Status.Phase,
			Ready:    nodeName != "" && ready[nodeName],
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		return nil
	}
	return out
}

// countCurrent counts members that are not on their way out.
func countCurrent(vns []v1alpha1.VPSieNode) int32 {
	var n int32
	for i := range vns {
		if !leaving(&vns[i]) {
			n++
		}
	}
	return n
}

func leaving(vn *v1alpha1.VPSieNode) bool {
	switch vn.Status.Phase {
	case v1alpha1.PhaseTerminating, v1alpha1.PhaseDeleting:
		return true
	}
	return vn.DeletionTimestamp != nil
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
