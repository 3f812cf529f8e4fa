package scaledown

import (
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// Plan chooses the nodes to drain. In order:
//  1. nodes whose drain is under way leave the simulation, their pods placed where they fit;
//  2. each managed node is sorted out: not in a group, already leaving, its group disabled,
//     or neither empty, below its thresholds for the window, nor in a group above maxNodes;
//  3. the candidates, least disruptive first (fewest pods to move, lowest priority, youngest),
//     pass the pod safety checks, their group's cooldowns (not for maxNodes), minNodes and
//     parallel-drain limit, the PodDisruptionBudgets left, and the simulation: their pods
//     must fit on the nodes that stay, those chosen before them already gone.
//
// Plan is pure and deterministic: it only reads s, and the same s always gives the same
// Result, whatever the order of the slices in it.
func Plan(s Snapshot, o Options) Result {
	pl := newPlanner(&s, o)
	pl.evacuateDraining()
	for _, c := range pl.candidates() {
		pl.decide(c)
	}
	sort.Slice(pl.result.Kept, func(i, j int) bool { return pl.result.Kept[i].Node < pl.result.Kept[j].Node })
	return pl.result
}

type planner struct {
	s           *Snapshot
	opts        Options
	sim         *schedsim.Simulation
	nodes       []*schedsim.ExistingNode // sorted by name
	groups      map[types.NamespacedName]*group
	members     *membership.Index
	draining    map[string]bool
	budgets     []*budget
	localClaims map[types.NamespacedName]string
	result      Result
}

func newPlanner(s *Snapshot, o Options) *planner {
	o.Simulation.Volumes = schedsim.NewVolumes(s.PersistentVolumeClaims, s.PersistentVolumes)
	pl := &planner{s: s, opts: o, sim: schedsim.NewSimulation(s.Nodes, o.Simulation), groups: map[types.NamespacedName]*group{},
		members: membership.New(s.VPSieNodes, schedsim.Nodes(s.Nodes)), draining: map[string]bool{}, budgets: newBudgets(s.PDBs), localClaims: localClaims(s)}
	for i := range s.Nodes {
		pl.nodes = append(pl.nodes, &s.Nodes[i])
	}
	slices.SortFunc(pl.nodes, func(a, b *schedsim.ExistingNode) int { return strings.Compare(a.Node.Name, b.Node.Name) })
	for i := range s.NodeGroups {
		g := newGroup(s.NodeGroups[i], s.Groups[types.NamespacedName{Namespace: s.NodeGroups[i].Namespace, Name: s.NodeGroups[i].Name}], s.Now)
		pl.groups[g.key] = g
	}
	for key, g := range pl.groups {
		for _, vn := range pl.members.MembersOf(key) {
			g.members++
			g.dc(vn.Spec.DatacenterID).members++
		}
	}
	for _, name := range s.Draining {
		pl.draining[name] = true
	}
	for _, en := range pl.nodes {
		n := en.Node
		vn := pl.members.OwnerOf(n.Name)
		if n.Annotations[v1alpha1.AnnotationDrainStatus] == v1alpha1.DrainStatusDraining || n.DeletionTimestamp != nil || (vn != nil && vn.Leaving()) {
			pl.draining[n.Name] = true
		}
	}
	// A drain under way still counts as a member until its VPSieNode goes, even once its Node
	// is gone; it is subtracted so that minNodes and the drain limit see what will remain.
	for name := range pl.draining {
		if vn := pl.members.OwnerOf(name); vn != nil && vn.IsMember() {
			if g := pl.groupOf(vn); g != nil {
				g.draining++
				g.dc(vn.Spec.DatacenterID).draining++
			}
		}
	}
	for _, g := range pl.groups {
		pl.countRebalance(g)
	}
	return pl
}

// countRebalance records what the group's running rebalance holds. Nodes the run already
// drains are counted as draining, not here.
func (pl *planner) countRebalance(g *group) {
	g.rebalance = pl.members.RebalanceOf(g.ng)
	for _, vn := range g.rebalance.Old {
		if !pl.vpsieNodeDraining(vn) {
			g.runOld++
		}
	}
	for _, vn := range g.rebalance.New {
		if !pl.vpsieNodeDraining(vn) {
			g.runNew++
		}
	}
}

func (pl *planner) vpsieNodeDraining(vn *v1alpha1.VPSieNode) bool {
	n := pl.members.NodeOf(vn)
	return n != nil && pl.draining[n.Name]
}

func (pl *planner) groupOf(vn *v1alpha1.VPSieNode) *group {
	if vn == nil {
		return nil
	}
	return pl.groups[vn.GroupKey()]
}

// evacuateDraining takes the nodes being drained out of the simulation. Their pods will need
// room elsewhere, so they are placed first; those that fit nowhere will wait as Pending.
func (pl *planner) evacuateDraining() {
	for _, en := range pl.nodes {
		if pl.draining[en.Node.Name] {
			pl.sim.Evacuate(en.Node.Name)
		}
	}
}

// decide drains c or says why not; the first check that fails is the verdict.
func (pl *planner) decide(c *candidate) {
	why := pl.why(c)
	if why == ReasonNone {
		return
	}
	moves, stranded, b := pl.simulate(c, why)
	if !b.ok() {
		pl.keep(c.node.Name, c.g, b)
		return
	}
	c.g.chosen++
	c.g.dc(c.dc).chosen++
	pl.spend(c.moving)
	d := Drain{Node: c.node.Name, NodeGroup: c.g.key, VPSieNode: c.vn, Reason: why, Message: pl.message(c, why), Moves: moves, Stranded: stranded}
	for _, p := range c.moving {
		d.Pods = append(d.Pods, types.NamespacedName{Namespace: p.Namespace, Name: p.Name})
	}
	pl.result.Drains = append(pl.result.Drains, d)
}

// why is the reason c may go, or ReasonNone after recording why it stays.
func (pl *planner) why(c *candidate) Reason {
	g := c.g
	var why Reason
	switch {
	case g.disabled:
		pl.keep(c.node.Name, g, block{reason: ReasonScaleDownDisabled, message: "scale-down is disabled for the group"})
		return ReasonNone
	case g.overMax():
		why = ReasonAboveMaxNodes
	case c.empty:
		why = ReasonEmpty
	case c.below:
		why = ReasonUnderutilized
	default:
		pl.keep(c.node.Name, g, block{reason: ReasonNotUnderutilized, message: c.detail})
		return ReasonNone
	}
	checks := []block{protected(c.node), c.safety}
	if why != ReasonAboveMaxNodes {
		checks = append(checks, g.cooldown)
	}
	checks = append(checks, g.limit(pl.opts.maxParallel(), c.dc), pl.pdbBlock(c.moving))
	for _, b := range checks {
		if !b.ok() {
			pl.keep(c.node.Name, g, b)
			return ReasonNone
		}
	}
	return why
}

// simulate removes c from the simulation. Its pods must all fit on the nodes that stay,
// except in a drain down to maxNodes: the operator asked for fewer nodes, so pods that fit
// nowhere wait as Pending, and the drain's message names them.
func (pl *planner) simulate(c *candidate, why Reason) ([]schedsim.Placement, []types.NamespacedName, block) {
	if why == ReasonAboveMaxNodes {
		moves, refused := pl.sim.Evacuate(c.node.Name)
		stranded := make([]types.NamespacedName, 0, len(refused))
		for _, r := range refused {
			stranded = append(stranded, r.Pod)
		}
		return moves, stranded, block{}
	}
	moves, r, ok := pl.sim.TryRemove(c.node.Name)
	if !ok {
		msg := "pod " + r.Pod.String() + " fits on no other node"
		if r.Reason != schedsim.ReasonNone {
			msg += " (" + r.Reason.String() + "): " + r.Message
		}
		return nil, nil, block{reason: ReasonPodsDoNotFit, message: msg, pod: r.Pod}
	}
	return moves, nil, block{}
}

func (pl *planner) message(c *candidate, why Reason) string {
	switch why {
	case ReasonEmpty:
		return "only DaemonSet and mirror pods for " + pl.opts.EmptyNodeDelay.String()
	case ReasonAboveMaxNodes:
		return "the group has " + itoa(c.g.sizeForMax()+1) + " nodes, maxNodes is " + itoa(c.g.ng.Spec.MaxNodes)
	}
	p := c.g.policy
	return "below " + itoa(p.CPUPercent) + "% CPU and " + itoa(p.MemoryPercent) + "% memory for " + p.Window.String()
}

func (pl *planner) keep(node string, g *group, b block) {
	v := Verdict{Node: node, Reason: b.reason, Message: b.message, Pod: b.pod}
	if g != nil {
		v.NodeGroup = g.key
	}
	pl.result.Kept = append(pl.result.Kept, v)
}
