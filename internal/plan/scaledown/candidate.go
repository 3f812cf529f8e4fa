package scaledown

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// candidate is a managed node of a group that may go, with what its drain would move.
type candidate struct {
	node   *corev1.Node
	g      *group
	vn     string
	dc     string        // the VPSieNode's datacenter
	moving []*corev1.Pod // sorted by namespace/name
	empty  bool
	below  bool
	detail string
	safety block // the first pod that fails a check of its own, if any
	prio   int32 // the highest priority among moving
}

// candidates sorts the managed nodes out: those that may not go get their verdict now, the
// rest come back least disruptive first.
func (pl *planner) candidates() []*candidate {
	var out []*candidate
	for _, en := range pl.nodes {
		n := en.Node
		if !managed(n) {
			continue
		}
		vn := pl.members.OwnerOf(n.Name)
		g := pl.groupOf(vn)
		switch {
		case pl.draining[n.Name]:
			pl.keep(n.Name, g, block{reason: ReasonDrainInProgress, message: "the node is already being drained or deleted"})
		case g == nil || (n.Labels[v1alpha1.LabelNodeGroup] != "" && n.Labels[v1alpha1.LabelNodeGroup] != g.key.Name):
			pl.keep(n.Name, nil, block{reason: ReasonNotInNodeGroup, message: "no VPSieNode of a known NodeGroup owns the node"})
		case g.rebalance.Holds(vn):
			pl.keep(n.Name, g, rebalanceBlock(g, n))
		case vn.Status.Phase != v1alpha1.PhaseReady:
			pl.keep(n.Name, g, block{reason: ReasonNotReadyYet, message: "VPSieNode " + vn.Name + " is " + phase(vn) + ", not Ready"})
		case pl.s.Now.Before(n.CreationTimestamp.Add(pl.opts.BootAllowance)):
			pl.keep(n.Name, g, block{reason: ReasonBooting, message: "the node is younger than its boot allowance (" +
				pl.opts.BootAllowance.String() + ")"})
		default:
			c := pl.newCandidate(en, g, vn.Name)
			c.dc = vn.Spec.DatacenterID
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, lessDisruptive)
	return out
}

func (pl *planner) newCandidate(en *schedsim.ExistingNode, g *group, vn string) *candidate {
	c := &candidate{node: en.Node, g: g, vn: vn}
	for i := range en.Pods {
		if p := en.Pods[i]; schedsim.NeedsNewHome(p) {
			c.moving = append(c.moving, p)
			c.prio = max(c.prio, priority(p))
		}
	}
	slices.SortFunc(c.moving, func(a, b *corev1.Pod) int {
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	u := pl.s.Utilization[en.Node.Name]
	c.empty = u.Empty && len(c.moving) == 0
	c.below, c.detail = u.Below, u.Detail
	if c.detail == "" {
		c.detail = "no utilization verdict for the node"
	}
	for _, p := range c.moving {
		if c.safety = pl.podBlock(p); !c.safety.ok() {
			break
		}
	}
	return c
}

func priority(p *corev1.Pod) int32 {
	if p.Spec.Priority == nil {
		return 0
	}
	return *p.Spec.Priority
}

// lessDisruptive orders candidates: fewest pods to move, then the lowest top priority among
// them, then the youngest node (it has done the least), then by name.
func lessDisruptive(a, b *candidate) int {
	switch {
	case len(a.moving) != len(b.moving):
		return len(a.moving) - len(b.moving)
	case a.prio != b.prio:
		if a.prio < b.prio {
			return -1
		}
		return 1
	case !a.node.CreationTimestamp.Equal(&b.node.CreationTimestamp):
		if b.node.CreationTimestamp.Before(&a.node.CreationTimestamp) {
			return -1
		}
		return 1
	}
	return strings.Compare(a.node.Name, b.node.Name)
}

func phase(vn *v1alpha1.VPSieNode) string {
	if vn.Status.Phase == "" {
		return "new"
	}
	return string(vn.Status.Phase)
}

// rebalanceBlock says which part of the group's running rebalance holds node n.
func rebalanceBlock(g *group, n *corev1.Node) block {
	plan := n.Annotations[v1alpha1.AnnotationRebalancePlan]
	if g.ng.RebalanceMarked(n) {
		return block{reason: ReasonRebalancing, message: "rebalance plan " + plan + " replaces the node and drains it itself"}
	}
	if r := g.ng.Status.Rebalance; r != nil && r.PlanID != "" {
		plan = r.PlanID
	}
	msg := "the node was made by the group's running rebalance"
	if plan != "" {
		msg = "the node was made by rebalance plan " + plan + ", which still runs"
	}
	return block{reason: ReasonRebalancing, message: msg}
}
