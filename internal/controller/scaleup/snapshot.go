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
	v, err := clusterview.Read(ctx, p.client, clusterview.Options{Clock: p.clock, DaemonSets: true, Volumes: true})
	if err != nil {
		return plan.Snapshot{}, err
	}
	v = v.WithVPSieNodes(p.launched.missing(v.VPSieNodes)...)
	s := plan.Snapshot{Now: v.Now, Pending: v.Pending, NodeGroups: v.NodeGroups, VPSieNodes: v.VPSieNodes,
		DaemonSets: v.DaemonSets, PersistentVolumeClaims: v.PVCs, PersistentVolumes: v.PVs, Datacenters: cat.Datacenters, Offerings: catalogue.Offerings(cat),
		Groups: map[types.NamespacedName]plan.GroupState{}, Quota: accountQuota(p.cfg, v.VPSieNodes, cat)}
	// Every Node goes in; the planner models one whose VPSieNode is still booting as its
	// template with the pods bound to it (plan/scaleup's addInFlight).
	for _, n := range v.Nodes {
		s.Nodes = append(s.Nodes, plan.ExistingNode{Node: n, Pods: v.PodsOn(n.Name)})
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
