package scaledown

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// observation is one read of the caches.
type observation struct {
	now    time.Time
	nodes  []schedsim.ExistingNode
	groups []v1alpha1.NodeGroup
	vns    []v1alpha1.VPSieNode
	pdbs   []policyv1.PodDisruptionBudget
	pvcs   []corev1.PersistentVolumeClaim
	pvs    []corev1.PersistentVolume
	usage  map[string]nodeUsage // from metrics.k8s.io; nil when not served
}

// observe lists from the caches. Nodes are listed before pods on purpose, as in scale-up:
// a pod bound to a Node created in between is missing (a node looks emptier than it is
// only if it is brand new, and the window keeps such a node), never counted twice.
func (c *Controller) observe(ctx context.Context) (observation, error) {
	var nodes corev1.NodeList
	var pods corev1.PodList
	var groups v1alpha1.NodeGroupList
	var vns v1alpha1.VPSieNodeList
	var pdbs policyv1.PodDisruptionBudgetList
	var pvcs corev1.PersistentVolumeClaimList
	var pvs corev1.PersistentVolumeList
	for _, l := range []client.ObjectList{&nodes, &pods, &groups, &vns, &pdbs, &pvcs, &pvs} {
		// The cache's own objects, not copies: with 10k pods a copy per pass was most of the
		// autoscaler's heap. Everything after observe reads them and never writes.
		if err := c.client.List(ctx, l, client.UnsafeDisableDeepCopy); err != nil {
			return observation{}, fmt.Errorf("listing %T: %w", l, err)
		}
	}
	byNode := map[string][]*corev1.Pod{}
	for i := range pods.Items {
		if p := &pods.Items[i]; p.Spec.NodeName != "" {
			byNode[p.Spec.NodeName] = append(byNode[p.Spec.NodeName], p)
		}
	}
	o := observation{now: c.clock.Now(), groups: groups.Items, vns: vns.Items, pdbs: pdbs.Items, pvcs: pvcs.Items, pvs: pvs.Items}
	if c.cfg.UseMetrics {
		o.usage = c.usage.read(ctx, o.now)
	}
	for i := range nodes.Items {
		n := &nodes.Items[i]
		o.nodes = append(o.nodes, schedsim.ExistingNode{Node: n, Pods: byNode[n.Name]})
	}
	return o, nil
}

// snapshot is the planner's input: the observation, the store's verdicts with each
// group's policy, the drains this process runs and each group's last drain.
func (c *Controller) snapshot(o observation) plan.Snapshot {
	s := plan.Snapshot{Now: o.now, Nodes: o.nodes, NodeGroups: o.groups, VPSieNodes: o.vns, PDBs: o.pdbs,
		PersistentVolumeClaims: o.pvcs, PersistentVolumes: o.pvs, Utilization: map[string]plan.Utilization{},
		Groups: map[types.NamespacedName]plan.GroupState{}}
	policies := groupPolicies(o)
	for _, en := range o.nodes {
		p, ok := policies[en.Node.Name]
		if !ok {
			continue
		}
		th := utilizationThresholds(p, c.cfg.UseMetrics)
		below, why := c.store.Below(en.Node.Name, th, o.now)
		empty, _ := c.store.Empty(en.Node.Name, c.cfg.EmptyNodeDelay, o.now)
		s.Utilization[en.Node.Name] = plan.Utilization{Below: below, Empty: empty, Detail: why}
	}
	s.Draining = c.drains.leaving()
	for i := range o.groups {
		key := types.NamespacedName{Namespace: o.groups[i].Namespace, Name: o.groups[i].Name}
		s.Groups[key] = plan.GroupState{LastScaleDown: c.drains.lastStart(key)}
	}
	return s
}

// groupPolicies maps each managed Node with a VPSieNode of a known group to that group's
// policy (the planner ties them the same way; see plan.Snapshot).
func groupPolicies(o observation) map[string]plan.Policy {
	byGroup := map[types.NamespacedName]plan.Policy{}
	for i := range o.groups {
		g := &o.groups[i]
		byGroup[types.NamespacedName{Namespace: g.Namespace, Name: g.Name}] = plan.PolicyOf(g)
	}
	out := map[string]plan.Policy{}
	for _, g := range nodeGroups(o) {
		if p, ok := byGroup[g.group]; ok {
			out[g.node] = p
		}
	}
	return out
}
