package planinput

import (
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/catalogue"
	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
	"github.com/vpsie/vpsie-autoscaler/internal/utilization"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Nodes pairs every Node of v with the pods bound to it: the planners' shape.
func Nodes(v *clusterview.View) []schedsim.ExistingNode {
	out := make([]schedsim.ExistingNode, 0, len(v.Nodes))
	for _, n := range v.Nodes {
		out = append(out, schedsim.ExistingNode{Node: n, Pods: v.PodsOn(n.Name)})
	}
	return out
}

// ScaleUp is the scale-up planner's input from v and the catalogue, every group's state
// from its spec and status (ScaleUpGroup). The caller adds what only it knows: backoffs,
// the account quota.
func ScaleUp(v *clusterview.View, cat contract.Catalogue) scaleup.Snapshot {
	s := scaleup.Snapshot{Now: v.Now, Pending: v.Pending, NodeGroups: v.NodeGroups, VPSieNodes: v.VPSieNodes,
		DaemonSets: v.DaemonSets, PersistentVolumeClaims: v.PVCs, PersistentVolumes: v.PVs, Datacenters: cat.Datacenters,
		Offerings: catalogue.Offerings(cat), Nodes: Nodes(v), Groups: map[types.NamespacedName]scaleup.GroupState{}}
	members := membership.New(v.VPSieNodes, nil)
	for _, g := range v.NodeGroups {
		s.Groups[g.Key()] = ScaleUpGroup(g, members.Size(g.Key()), v.Now)
	}
	return s
}

// ScaleUpGroup is what a group's spec and status say of its growth at now: disabled, in
// its cooldown, its bootstrap configuration invalid (its BootstrapConfigValid condition;
// the provisioner checks afresh), and its member count.
func ScaleUpGroup(g *v1alpha1.NodeGroup, members int32, now time.Time) scaleup.GroupState {
	st := scaleup.GroupState{ScaleUpDisabled: !g.Spec.ScaleUpPolicy.IsEnabled(), Members: members}
	if cd := g.Spec.ScaleUpPolicy.CooldownSeconds; cd > 0 && g.Status.LastScaleUpTime != nil {
		st.InCooldown = now.Before(g.Status.LastScaleUpTime.Add(time.Duration(cd) * time.Second))
	}
	if c := meta.FindStatusCondition(g.Status.Conditions, v1alpha1.ConditionBootstrapConfigValid); c != nil &&
		c.Status == metav1.ConditionFalse && c.ObservedGeneration == g.Generation {
		st.BootstrapInvalid = c.Reason + ": " + c.Message
	}
	return st
}

// ScaleDown is the scale-down planner's input from v and its nodes (Nodes(v)), without
// what only the controller knows: the utilization verdicts, drains under way and each
// group's last drain.
func ScaleDown(v *clusterview.View, nodes []schedsim.ExistingNode) scaledown.Snapshot {
	return scaledown.Snapshot{Now: v.Now, Nodes: nodes, NodeGroups: v.NodeGroups, VPSieNodes: v.VPSieNodes, PDBs: v.PDBs,
		PersistentVolumeClaims: v.PVCs, PersistentVolumes: v.PVs, Utilization: map[string]scaledown.Utilization{},
		Groups: map[types.NamespacedName]scaledown.GroupState{}}
}

// Rebalance is the rebalance analyzer's input from v, its nodes (Nodes(v)) and the
// offerings, every group's state empty: the caller adds its runs and manual requests.
func Rebalance(v *clusterview.View, nodes []schedsim.ExistingNode, offerings []schedsim.Offering) rebalance.Snapshot {
	return rebalance.Snapshot{Now: v.Now, NodeGroups: v.NodeGroups, Nodes: nodes, VPSieNodes: v.VPSieNodes,
		Offerings: offerings, PDBs: v.PDBs, PersistentVolumeClaims: v.PVCs, PersistentVolumes: v.PVs,
		Groups: map[types.NamespacedName]rebalance.GroupState{}}
}

// Member ties a managed Node to its NodeGroup.
type Member struct {
	Node  string
	Group types.NamespacedName
}

// ManagedNodes lists the managed Nodes of v that have a VPSieNode, with its group, by the
// one membership rule (membership.Index.GroupOf).
func ManagedNodes(v *clusterview.View) []Member {
	members := membership.New(v.VPSieNodes, v.Nodes)
	var out []Member
	for _, n := range v.Nodes {
		group, ok := members.GroupOf(n.Name)
		if !ok || n.Labels[v1alpha1.LabelManaged] != "true" {
			continue
		}
		out = append(out, Member{Node: n.Name, Group: group})
	}
	return out
}

// Policies maps each managed Node of a known NodeGroup to that group's scale-down policy
// (the planner ties them the same way; see scaledown.Snapshot).
func Policies(v *clusterview.View) map[string]scaledown.Policy {
	out := map[string]scaledown.Policy{}
	for _, m := range ManagedNodes(v) {
		if ng := v.NodeGroup(m.Group); ng != nil {
			out[m.Node] = scaledown.PolicyOf(ng)
		}
	}
	return out
}

// Thresholds is what the utilization store checks for a node of a group with policy p:
// with usage, a node is below only when both what its pods request and what they use are.
func Thresholds(p scaledown.Policy, usage bool) utilization.Thresholds {
	return utilization.Thresholds{CPUPercent: p.CPUPercent, MemoryPercent: p.MemoryPercent, Window: p.Window, Usage: usage}
}
