package scaledown

import (
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
)

// group is a NodeGroup as the planner sees it: its policy, its size and what holds it back.
type group struct {
	ng     *v1alpha1.NodeGroup
	key    types.NamespacedName
	policy Policy
	// members counts its VPSieNodes not being deleted; draining those whose drain is under
	// way; chosen the drains this plan adds.
	members, draining, chosen int32
	// rebalance is what the group's running rebalance holds; runOld counts its old nodes
	// whose drain has not begun (they leave when the run completes), runNew its own nodes
	// not being drained (they stay in place of the old ones).
	rebalance      membership.Rebalance
	runOld, runNew int32
	// byDC counts the same per datacenter; dcMin is each datacenter's own minNodes.
	byDC     map[string]*dcCount
	dcMin    map[string]int32
	disabled bool
	cooldown block // the scale-up or scale-down cooldown, if one runs
}

func newGroup(ng *v1alpha1.NodeGroup, st GroupState, now time.Time) *group {
	g := &group{ng: ng, key: types.NamespacedName{Namespace: ng.Namespace, Name: ng.Name}, policy: PolicyOf(ng),
		byDC: map[string]*dcCount{}, dcMin: map[string]int32{}}
	for _, dc := range ng.Spec.Datacenters {
		g.dcMin[dc.ID] = dc.MinNodes
	}
	g.disabled = !g.policy.Enabled || st.ScaleDownDisabled
	up, down := later(ng.Status.LastScaleUpTime, st.LastScaleUp), later(ng.Status.LastScaleDownTime, st.LastScaleDown)
	switch {
	case !up.IsZero() && now.Before(up.Add(g.policy.AfterScaleUp)):
		g.cooldown = block{reason: ReasonScaleUpCooldown, message: "scale-up cooldown until " + stamp(up.Add(g.policy.AfterScaleUp))}
	case !down.IsZero() && now.Before(down.Add(g.policy.Cooldown)):
		g.cooldown = block{reason: ReasonScaleDownCooldown, message: "scale-down cooldown until " + stamp(down.Add(g.policy.Cooldown))}
	}
	return g
}

// later is the later of the status's time and the controller's own.
func later(status *metav1.Time, known time.Time) time.Time {
	if status != nil && status.After(known) {
		return status.Time
	}
	return known
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// size is the group's size once the drains under way and those chosen are done.
func (g *group) size() int32 { return g.members - g.draining - g.chosen }

// remaining is what minNodes is held against: the size without the old nodes a running
// rebalance will drain, so scale-down and the run together never go below minNodes.
func (g *group) remaining() int32 { return g.size() - g.runOld }

// sizeForMax is what maxNodes is held against: the size without the nodes a running
// rebalance made, which stand in for its old ones (a surge is not a group above maxNodes).
func (g *group) sizeForMax() int32 { return g.size() - g.runNew }

func (g *group) overMax() bool { return g.sizeForMax() > g.ng.Spec.MaxNodes }

// dcCount is a group's members, drains under way and drains chosen in one datacenter.
type dcCount struct{ members, draining, chosen int32 }

func (c *dcCount) remaining() int32 { return c.members - c.draining - c.chosen }

// dc is the group's count in datacenter id, created on first use.
func (g *group) dc(id string) *dcCount {
	c := g.byDC[id]
	if c == nil {
		c = &dcCount{}
		g.byDC[id] = c
	}
	return c
}

// limit is the first of the group's limits a further drain in datacenter dc would break.
// A datacenter's own minNodes holds as the scale-up planner keeps it: draining below it
// would only make scale-up buy the node again.
func (g *group) limit(maxParallel int32, dc string) block {
	switch {
	case g.remaining() <= g.ng.Spec.MinNodes:
		return block{reason: ReasonAtMinNodes, message: "the group would have " + itoa(g.remaining()-1) + " nodes, minNodes is " + itoa(g.ng.Spec.MinNodes)}
	case g.dcMin[dc] > 0 && g.dc(dc).remaining() <= g.dcMin[dc]:
		return block{reason: ReasonAtMinNodes, message: "datacenter " + dc + " would have " + itoa(g.dc(dc).remaining()-1) +
			" nodes of the group, its minNodes is " + itoa(g.dcMin[dc])}
	case g.draining+g.chosen >= maxParallel:
		return block{reason: ReasonDrainLimit, message: itoa(g.draining+g.chosen) + " drains under way, at most " + itoa(maxParallel) + " at once"}
	}
	return block{}
}

func itoa(v int32) string { return strconv.Itoa(int(v)) }

func managed(n *corev1.Node) bool { return n.Labels[v1alpha1.LabelManaged] == "true" }
