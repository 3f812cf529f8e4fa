package rebalance

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/maintenance"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// Analyze finds, for every NodeGroup, the nodes worth replacing and plans their replacement.
// Per node, the first rule that holds decides:
//  1. a Node labelled with a group but not managed, or without a VPSieNode: NotManaged;
//  2. its drain or deletion is under way: DrainInProgress; not Ready: NodeNotReady;
//  3. drifted (offering no longer in spec.offeringIDs, spec.osImageID or
//     spec.kubernetesVersion changed): replaced by the cheapest allowed offering that fits its
//     pods (NoFittingOffering when none does); otherwise replaced only when an allowed
//     offering at least savingsThresholdPercent cheaper fits its pods (NoCheaperFit;
//     UnknownOffering when the catalogue has no price for its offering);
//  4. the scale-down safety checks: ProtectedNode, DoNotDisrupt, KubeSystemPod,
//     NoController, LocalStorage, PodDisruptionBudget;
//  5. the group's gates, which hold every candidate: RebalanceInProgress, RebalanceDisabled
//     (unless manual), Cooldown (unless manual), InvalidMaintenanceWindow,
//     OutsideMaintenanceWindow, GroupUnhealthy (fewer than minHealthyPercent of its members
//     Ready).
//
// Candidates are ordered drifted first, then by saving, then by name, and batched for the
// strategy so the nodes drained together never need more disruptions from a
// PodDisruptionBudget than it allows (a node that would is moved to a later batch; blue-green,
// which evicts the whole set at once, leaves it out). Analyze is pure and deterministic.
func Analyze(s Snapshot, o Options) Result {
	a := newAnalyzer(&s, o)
	var res Result
	for _, g := range a.groups {
		a.analyzeGroup(g, &res)
	}
	slices.SortFunc(res.Excluded, func(x, y Exclusion) int { return strings.Compare(x.Node, y.Node) })
	return res
}

type analyzer struct {
	s         *Snapshot
	opts      Options
	offerings map[string]*schedsim.Offering
	groups    []*group
	byKey     map[types.NamespacedName]*group
	members   *membership.Index
	draining  map[string]bool
}

// group is one NodeGroup and its nodes as the analyzer sees them.
type group struct {
	ng      *v1alpha1.NodeGroup
	key     types.NamespacedName
	policy  policy
	nodes   []*schedsim.ExistingNode
	members int // VPSieNodes not being deleted
	ready   int // members whose Node is Ready
	cost    float64
}

func newAnalyzer(s *Snapshot, o Options) *analyzer {
	o.Simulation.Volumes = schedsim.NewVolumes(s.PersistentVolumeClaims, s.PersistentVolumes)
	a := &analyzer{s: s, opts: o, offerings: map[string]*schedsim.Offering{}, byKey: map[types.NamespacedName]*group{},
		members: membership.New(s.VPSieNodes, schedsim.Nodes(s.Nodes)), draining: map[string]bool{}}
	for i := range s.Offerings {
		if _, dup := a.offerings[s.Offerings[i].ID]; !dup {
			a.offerings[s.Offerings[i].ID] = &s.Offerings[i]
		}
	}
	for i := range s.NodeGroups {
		ng := s.NodeGroups[i]
		g := &group{ng: ng, key: types.NamespacedName{Namespace: ng.Namespace, Name: ng.Name}, policy: policyOf(ng)}
		a.groups = append(a.groups, g)
		a.byKey[g.key] = g
	}
	slices.SortFunc(a.groups, func(x, y *group) int { return strings.Compare(x.key.String(), y.key.String()) })
	for _, n := range s.Draining {
		a.draining[n] = true
	}
	nodes := map[string]*schedsim.ExistingNode{}
	for i := range s.Nodes {
		nodes[s.Nodes[i].Node.Name] = &s.Nodes[i]
	}
	for i := range s.VPSieNodes {
		vn := s.VPSieNodes[i]
		g := a.byKey[vn.GroupKey()]
		if g == nil || !vn.IsMember() {
			continue
		}
		g.members++
		if off := a.offerings[vn.Spec.OfferingID]; off != nil {
			g.cost += off.MonthlyPrice
		}
		if n := a.members.NodeOf(vn); n != nil && ready(n) {
			g.ready++
		}
	}
	for i := range s.Nodes {
		en := &s.Nodes[i]
		if g := a.groupOfNode(en.Node); g != nil {
			g.nodes = append(g.nodes, en)
		}
	}
	for _, g := range a.groups {
		slices.SortFunc(g.nodes, func(x, y *schedsim.ExistingNode) int { return strings.Compare(x.Node.Name, y.Node.Name) })
	}
	return a
}

// groupOfNode is the group of the Node's VPSieNode, else the group its label names.
func (a *analyzer) groupOfNode(n *corev1.Node) *group {
	if vn := a.members.OwnerOf(n.Name); vn != nil {
		if g := a.byKey[vn.GroupKey()]; g != nil {
			return g
		}
	}
	name := n.Labels[v1alpha1.LabelNodeGroup]
	if name == "" {
		return nil
	}
	var found *group
	for _, g := range a.groups {
		if g.key.Name == name {
			if found != nil {
				return nil // the same name in two namespaces: the label cannot say which
			}
			found = g
		}
	}
	return found
}

// candidate is a node worth replacing, before the safety checks and gates.
type candidate struct {
	node *corev1.Node
	rep  Replacement
}

func (a *analyzer) analyzeGroup(g *group, res *Result) {
	verdict := GroupVerdict{NodeGroup: g.key, MonthlyCost: g.cost}
	exclude := func(node string, r Reason, msg string, pod types.NamespacedName) {
		res.Excluded = append(res.Excluded, Exclusion{Node: node, NodeGroup: g.key, Reason: r, Message: msg, Pod: pod})
	}
	checks := scaledown.NewSafetyChecks(a.safetySnapshot())
	var cands []candidate
	for _, en := range g.nodes {
		c, r, msg := a.worth(g, en)
		if r != ReasonNone {
			exclude(en.Node.Name, r, msg, types.NamespacedName{})
			continue
		}
		if c.rep.MonthlySavings > 0 {
			verdict.PotentialSavings += c.rep.MonthlySavings
		}
		if v := checks.Check(en.Node.Name); v.Reason != scaledown.ReasonNone {
			exclude(en.Node.Name, safetyReasons[v.Reason], v.Message, v.Pod)
			continue
		}
		cands = append(cands, c)
	}
	verdict.Reason, verdict.Message = a.gate(g)
	if verdict.Reason == ReasonNone && len(cands) == 0 {
		verdict.Reason, verdict.Message = ReasonNothingToReplace, "no node of the group is worth replacing"
	}
	if verdict.Reason != ReasonNone {
		for _, c := range cands {
			exclude(c.node.Name, verdict.Reason, verdict.Message, types.NamespacedName{})
		}
		res.Groups = append(res.Groups, verdict)
		return
	}
	slices.SortFunc(cands, func(x, y candidate) int {
		switch {
		case x.rep.Reason.Drift() != y.rep.Reason.Drift():
			if x.rep.Reason.Drift() {
				return -1
			}
			return 1
		case x.rep.MonthlySavings != y.rep.MonthlySavings:
			if x.rep.MonthlySavings > y.rep.MonthlySavings {
				return -1
			}
			return 1
		}
		return strings.Compare(x.node.Name, y.node.Name)
	})
	p, left := a.batch(g, cands)
	for _, c := range left {
		exclude(c.node.Name, ReasonPodDisruptionBudget, "blue-green evicts every old node at once and a "+
			"PodDisruptionBudget of its pods does not allow that many disruptions", types.NamespacedName{})
	}
	res.Plans = append(res.Plans, p)
	res.Groups = append(res.Groups, verdict)
}

// safetySnapshot is what the scale-down checks read.
func (a *analyzer) safetySnapshot() scaledown.Snapshot {
	return scaledown.Snapshot{Nodes: a.s.Nodes, PDBs: a.s.PDBs, PersistentVolumeClaims: a.s.PersistentVolumeClaims,
		PersistentVolumes: a.s.PersistentVolumes}
}

// gate is the first of the group's gates that holds it.
func (a *analyzer) gate(g *group) (Reason, string) {
	st := a.s.Groups[g.key]
	p := g.policy
	switch {
	case st.Running:
		return ReasonRebalanceInProgress, "a rebalance of the group is running"
	case g.ng.DeletionTimestamp != nil:
		return ReasonRebalanceDisabled, "the NodeGroup is being deleted"
	case g.ng.Spec.MaxNodes == 0:
		return ReasonRebalanceDisabled, "maxNodes is 0: the group is parked and drained, not rebalanced"
	case !p.enabled && !st.Manual:
		return ReasonRebalanceDisabled, "rebalancePolicy.enabled is false (annotate the group " +
			v1alpha1.AnnotationRebalance + "=now to run one)"
	case !st.Manual && !st.LastRebalance.IsZero() && a.s.Now.Before(st.LastRebalance.Add(p.cooldown)):
		return ReasonCooldown, "cooldown until " + stamp(st.LastRebalance.Add(p.cooldown))
	case st.BootstrapInvalid != "":
		return ReasonBootstrapConfigInvalid, "bootstrap configuration invalid: " + st.BootstrapInvalid
	}
	if ws := g.ng.Spec.RebalancePolicy.MaintenanceWindows; len(ws) > 0 {
		parsed, err := maintenance.ParseAll(ws)
		if err != nil {
			return ReasonInvalidMaintenanceWindow, err.Error()
		}
		if open, _ := maintenance.Open(parsed, a.s.Now); !open {
			return ReasonOutsideMaintenanceWindow, "outside the maintenance windows; the next opens at " +
				stamp(maintenance.Next(parsed, a.s.Now))
		}
	}
	if g.members > 0 && g.ready*100 < int(p.minHealthy)*g.members {
		return ReasonGroupUnhealthy, fmt.Sprintf("%d of %d nodes Ready, minHealthyPercent is %d", g.ready, g.members, p.minHealthy)
	}
	return ReasonNone, ""
}
