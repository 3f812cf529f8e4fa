package scaleup

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/catalogue"
	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// observe reads the cluster into a planner snapshot: one clusterview.Read (the cache's own
// objects, Nodes listed before Pods; see the clusterview package), plus the VPSieNodes of
// runs this process started that the cache has not seen yet. Everything after observe
// reads the snapshot and never writes through it.
func (p *Provisioner) observe(ctx context.Context, cat contract.Catalogue) (plan.Snapshot, error) {
	v, err := clusterview.Read(ctx, p.client, clusterview.Options{Clock: p.clock, DaemonSets: true})
	if err != nil {
		return plan.Snapshot{}, err
	}
	v = v.WithVPSieNodes(p.launched.missing(v.VPSieNodes)...)
	s := plan.Snapshot{Now: v.Now, Pending: v.Pending, NodeGroups: v.NodeGroups, VPSieNodes: v.VPSieNodes,
		DaemonSets: v.DaemonSets, Datacenters: cat.Datacenters, Offerings: catalogue.Offerings(cat),
		Groups: map[types.NamespacedName]plan.GroupState{}, Quota: accountQuota(p.cfg, v.VPSieNodes, cat)}
	booting := bootingNodes(v.VPSieNodes)
	for _, n := range v.Nodes {
		pods := v.PodsOn(n.Name)
		// Once the scheduler has bound pods to a booting node, the node as it is (with those pods)
		// is the truth; its empty template would offer room that is already taken.
		if !booting[n.Name] || len(pods) > 0 {
			s.Nodes = append(s.Nodes, plan.ExistingNode{Node: n, Pods: pods})
		}
	}
	for _, r := range p.probation.release(s.Nodes) {
		p.backoff.succeeded(r.group)
	}
	members := membership.New(v.VPSieNodes, nil)
	for _, g := range v.NodeGroups {
		s.Groups[g.Key()] = p.groupState(g, members.Size(g.Key()), v.Now)
	}
	return s, nil
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
func bootingNodes(vns []*v1alpha1.VPSieNode) map[string]bool {
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
