package scaleup

import (
	"context"

	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/planinput"
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
	// Every Node goes in; the planner models one whose VPSieNode is still booting as its
	// template with the pods bound to it (plan/scaleup's addInFlight).
	s := planinput.ScaleUp(v, cat)
	s.Quota = accountQuota(p.cfg, v.VPSieNodes, cat)
	for _, r := range p.probation.release(s.Nodes) {
		p.backoff.succeeded(r.group)
	}
	for key, st := range s.Groups {
		st.BackingOffUntil, st.BackoffReason = p.backoff.until(key)
		s.Groups[key] = st
	}
	return s, nil
}
