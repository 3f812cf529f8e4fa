package scaleup

import (
	"context"

	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/planinput"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// observe reads the cluster into a planner snapshot: one clusterview.Read (the cache's own
// objects, Nodes listed before Pods; see the clusterview package), plus the VPSieNodes of
// runs this process started that the cache has not seen yet. Everything after observe
// reads the snapshot and never writes through it.
func (p *Provisioner) observe(ctx context.Context, cat contract.Catalogue) (plan.Snapshot, error) {
	v, err := clusterview.Read(ctx, p.view, clusterview.Options{Clock: p.clock, DaemonSets: true, Volumes: true})
	if err != nil {
		return plan.Snapshot{}, err
	}
	v = v.WithVPSieNodes(p.launched.missing(v.VPSieNodes)...)
	// Every Node goes in; the planner models one whose VPSieNode is still booting as its
	// template with the pods bound to it (plan/scaleup's addInFlight).
	s := planinput.ScaleUp(v, cat)
	s.Quota = accountQuota(p.cfg, v.VPSieNodes, cat)
	s.Nominations = p.nominator.snapshot()
	for _, r := range p.probation.release(s.Nodes) {
		p.backoff.succeeded(r.group)
	}
	for key, st := range s.Groups {
		st.BackingOffUntil, st.BackoffReason = p.backoff.until(key)
		s.Groups[key] = st
	}
	p.checkBootstrap(ctx, s)
	return s, nil
}

// checkBootstrap reads each group's bootstrap configuration afresh (its user data template
// and SSH key Secret, by name through the uncached reader): a group whose nodes cannot be
// made as its spec asks gets no ScaleUp run (plan.ReasonBootstrapConfigInvalid), rather
// than a VM that cannot join or lacks its keys. Without a reader the group's
// BootstrapConfigValid condition decides (planinput.ScaleUpGroup). A group being deleted
// or parked does not grow anyway: it costs no read.
func (p *Provisioner) checkBootstrap(ctx context.Context, s plan.Snapshot) {
	if p.bootstrap == nil {
		return
	}
	for _, g := range s.NodeGroups {
		if g.DeletionTimestamp != nil || g.Spec.MaxNodes == 0 {
			continue
		}
		st := s.Groups[g.Key()]
		st.BootstrapInvalid = nodetemplate.BootstrapProblem(ctx, p.bootstrap, g)
		s.Groups[g.Key()] = st
	}
}
