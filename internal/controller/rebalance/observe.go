package rebalance

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
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
}

// observe lists from the caches. Nodes are listed before pods on purpose, as in scale-up
// and scale-down: a pod bound to a Node created in between is missing (a node looks
// emptier only if it is brand new), never counted twice.
func (c *Controller) observe(ctx context.Context) (observation, error) {
	var nodes corev1.NodeList
	var pods corev1.PodList
	var groups v1alpha1.NodeGroupList
	var vns v1alpha1.VPSieNodeList
	var pdbs policyv1.PodDisruptionBudgetList
	var pvcs corev1.PersistentVolumeClaimList
	var pvs corev1.PersistentVolumeList
	for _, l := range []client.ObjectList{&nodes, &pods, &groups, &vns, &pdbs, &pvcs, &pvs} {
		if err := c.client.List(ctx, l); err != nil {
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
	for i := range nodes.Items {
		n := &nodes.Items[i]
		o.nodes = append(o.nodes, schedsim.ExistingNode{Node: n, Pods: byNode[n.Name]})
	}
	return o, nil
}

// snapshot is the analyzer's input: the observation, the catalogue and what the controller
// knows of each group's runs.
func (c *Controller) snapshot(o observation, states map[types.NamespacedName]groupState,
	manual map[types.NamespacedName]bool) plan.Snapshot {
	s := plan.Snapshot{Now: o.now, NodeGroups: o.groups, Nodes: o.nodes, VPSieNodes: o.vns, Offerings: c.catalogue.Offerings(),
		PDBs: o.pdbs, PersistentVolumeClaims: o.pvcs, PersistentVolumes: o.pvs, Groups: map[types.NamespacedName]plan.GroupState{}}
	for i := range o.groups {
		g := &o.groups[i]
		key := keyOf(g)
		st := states[key]
		s.Groups[key] = plan.GroupState{LastRebalance: lastRebalance(g, st), Manual: manual[key], Running: st.running}
	}
	return s
}

// lastRebalance is the later of the group's status.lastRebalanceTime and its last run's
// close time in Temporal: the cooldown holds across restarts and status lag.
func lastRebalance(g *v1alpha1.NodeGroup, st groupState) time.Time {
	t := st.closed
	if s := g.Status.LastRebalanceTime; s != nil && s.After(t) {
		t = s.Time
	}
	return t
}

func keyOf(g *v1alpha1.NodeGroup) types.NamespacedName {
	return types.NamespacedName{Namespace: g.Namespace, Name: g.Name}
}
