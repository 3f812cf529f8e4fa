package scaledown

import (
	"context"

	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/planinput"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// observation is one read of the cluster: the View, its Nodes each with the pods bound to
// it (the planner's shape), and the usage metrics.k8s.io serves. Everything after observe
// reads it and never writes through it (the View holds the cache's own objects).
type observation struct {
	view  *clusterview.View
	nodes []schedsim.ExistingNode
	usage map[string]nodeUsage // from metrics.k8s.io; nil when not served
}

// observe reads the cluster once (clusterview.Read: Nodes before Pods, so a pod bound to a
// Node created in between is missing, never counted twice; a node looks emptier than it is
// only if it is brand new, and the window keeps such a node) and, when configured, the
// measured usage.
func (c *Controller) observe(ctx context.Context) (observation, error) {
	v, err := clusterview.Read(ctx, c.view, clusterview.Options{Clock: c.clock, PDBs: true, Volumes: true})
	if err != nil {
		return observation{}, err
	}
	o := newObservation(v)
	if c.cfg.UseMetrics {
		o.usage = c.usage.read(ctx, v.Now)
	}
	return o, nil
}

// newObservation pairs every Node of v with the pods bound to it.
func newObservation(v *clusterview.View) observation {
	return observation{view: v, nodes: planinput.Nodes(v)}
}

// snapshot is the planner's input: the observation, the store's verdicts with each
// group's policy, the drains this process runs and each group's last drain.
func (c *Controller) snapshot(o observation) plan.Snapshot {
	v := o.view
	s := planinput.ScaleDown(v, o.nodes)
	policies := planinput.Policies(v)
	for _, en := range o.nodes {
		p, ok := policies[en.Node.Name]
		if !ok {
			continue
		}
		th := planinput.Thresholds(p, c.cfg.UseMetrics)
		below, why := c.store.Below(en.Node.Name, th, v.Now)
		empty, _ := c.store.Empty(en.Node.Name, c.cfg.EmptyNodeDelay, v.Now)
		s.Utilization[en.Node.Name] = plan.Utilization{Below: below, Empty: empty, Detail: why}
	}
	s.Draining = c.drains.leaving()
	for _, g := range v.NodeGroups {
		s.Groups[g.Key()] = plan.GroupState{LastScaleDown: c.drains.lastStart(g.Key())}
	}
	return s
}
