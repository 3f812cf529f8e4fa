package scaleup

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/catalogue"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// observe reads the cluster from the caches into a planner snapshot. Nodes are listed
// before pods on purpose: a pod bound to a Node created in between is then missing from
// the Node (undershoot), never counted twice.
func (p *Provisioner) observe(ctx context.Context, cat contract.Catalogue) (plan.Snapshot, error) {
	var nodes corev1.NodeList
	var pods corev1.PodList
	var groups v1alpha1.NodeGroupList
	var vns v1alpha1.VPSieNodeList
	var daemons appsv1.DaemonSetList
	for _, l := range []client.ObjectList{&nodes, &pods, &groups, &vns, &daemons} {
		// The cache's own objects, not copies: with 10k pods a copy per pass was most of the
		// autoscaler's heap. Everything after observe reads them and never writes.
		if err := p.client.List(ctx, l, client.UnsafeDisableDeepCopy); err != nil {
			return plan.Snapshot{}, fmt.Errorf("listing %T: %w", l, err)
		}
	}
	vns.Items = append(vns.Items, p.launched.missing(vns.Items)...)
	now := p.clock.Now()
	s := plan.Snapshot{Now: now, NodeGroups: groups.Items, VPSieNodes: vns.Items, DaemonSets: daemons.Items,
		Datacenters: cat.Datacenters, Offerings: catalogue.Offerings(cat), Groups: map[types.NamespacedName]plan.GroupState{},
		Quota: accountQuota(p.cfg, vns.Items, cat)}
	byNode := map[string][]*corev1.Pod{}
	for i := range pods.Items {
		pod := &pods.Items[i]
		switch {
		case pod.Spec.NodeName != "":
			byNode[pod.Spec.NodeName] = append(byNode[pod.Spec.NodeName], pod)
		case unschedulable(pod):
			s.Pending = append(s.Pending, pod)
		}
	}
	booting := bootingNodes(vns.Items)
	for i := range nodes.Items {
		n := &nodes.Items[i]
		// Once the scheduler has bound pods to a booting node, the node as it is (with those pods)
		// is the truth; its empty template would offer room that is already taken.
		if !booting[n.Name] || len(byNode[n.Name]) > 0 {
			s.Nodes = append(s.Nodes, plan.ExistingNode{Node: n, Pods: byNode[n.Name]})
		}
	}
	for _, v := range p.probation.release(s.Nodes) {
		p.backoff.succeeded(v.group)
	}
	members := membership.New(membership.Pointers(vns.Items), nil)
	for i := range groups.Items {
		g := &groups.Items[i]
		s.Groups[g.Key()] = p.groupState(g, members.Size(g.Key()), now)
	}
	return s, nil
}

// unschedulable: the scheduler tried and found no node (PodScheduled=False, Unschedulable).
func unschedulable(pod *corev1.Pod) bool {
	if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			return c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable
		}
	}
	return false
}

func (p *Provisioner) groupState(g *v1alpha1.NodeGroup, members int32, now time.Time) plan.GroupState {
	key := g.Key()
	st := plan.GroupState{ScaleUpDisabled: !g.Spec.ScaleUpPolicy.IsEnabled(), Members: members}
	st.BackingOffUntil, st.BackoffReason = p.backoff.until(key)
	if cd := g.Spec.ScaleUpPolicy.CooldownSeconds; cd > 0 && g.Status.LastScaleUpTime != nil {
		st.InCooldown = now.Before(g.Status.LastScaleUpTime.Add(time.Duration(cd) * time.Second))
	}
	return st
}

// bootingNodes names the Nodes of VPSieNodes that are not Ready yet. Such a Node may have
// registered before it was labelled and tainted: as it is, it would look like a node the
// group's pods cannot use, and the same pods would cause a second scale-up. Left out,
// the planner counts the VPSieNode's template instead, as for any node in flight (until
// pods are bound to it, see observe).
func bootingNodes(vns []v1alpha1.VPSieNode) map[string]bool {
	out := map[string]bool{}
	for _, vn := range vns {
		if vn.InFlight() {
			out[vn.Spec.Hostname] = true
			if vn.Status.NodeName != "" {
				out[vn.Status.NodeName] = true
			}
		}
	}
	return out
}
