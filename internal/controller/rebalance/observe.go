package rebalance

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
	"github.com/vpsie/vpsie-autoscaler/internal/planinput"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// observation is one read of the cluster: the View and its Nodes each with the pods bound
// to it (the analyzer's shape). Everything after observe reads it and never writes through
// it: the View holds the cache's own objects, so a NodeGroup is deep-copied before a Patch
// or before it outlives the pass.
type observation struct {
	view  *clusterview.View
	nodes []schedsim.ExistingNode
}

// observe reads the cluster once (clusterview.Read: Nodes before Pods, so a pod bound to a
// Node created in between is missing, never counted twice; a node looks emptier only if it
// is brand new). It copies no object: every pod was deep-copied each pass before.
func (c *Controller) observe(ctx context.Context) (observation, error) {
	v, err := clusterview.Read(ctx, c.view, clusterview.Options{Clock: c.clock, PDBs: true, Volumes: true})
	if err != nil {
		return observation{}, err
	}
	return observation{view: v, nodes: planinput.Nodes(v)}, nil
}

// snapshot is the analyzer's input: the observation, the catalogue and what the controller
// knows of each group's runs.
func (c *Controller) snapshot(ctx context.Context, o observation, states map[types.NamespacedName]groupState,
	manual map[types.NamespacedName]bool) plan.Snapshot {
	v := o.view
	s := planinput.Rebalance(v, o.nodes, c.catalogue.Offerings())
	for _, g := range v.NodeGroups {
		key := keyOf(g)
		st := states[key]
		s.Groups[key] = plan.GroupState{LastRebalance: lastRebalance(g, st), Manual: manual[key], Running: st.running,
			BootstrapKubelet: c.bootstrapKubelet(ctx, g), BootstrapInvalid: c.bootstrapInvalid(ctx, g)}
	}
	return s
}

// bootstrapKubelet is the kubelet version the group's user data installs; "" when it
// installs none or the template cannot be read (then no kubelet version is drift: a
// replacement might differ the same way).
func (c *Controller) bootstrapKubelet(ctx context.Context, g *v1alpha1.NodeGroup) string {
	t := nodetemplate.For(g)
	if t.UserDataTemplate != "" && c.opts.UserData == nil {
		return ""
	}
	v, err := cloudinit.BootstrapKubelet(ctx, c.opts.UserData, t)
	if err != nil {
		log.FromContext(ctx).Error(err, "Reading what the group's user data installs failed; its kubelet version is not drift",
			"nodegroup", keyOf(g).String())
		return ""
	}
	return v
}

// bootstrapInvalid is why the group's replacements cannot be made as its spec asks (its
// template or SSH key Secret; the check scale-up makes), "" when they can or when the
// controller has no reader (then its create activities would say so).
func (c *Controller) bootstrapInvalid(ctx context.Context, g *v1alpha1.NodeGroup) string {
	if c.opts.UserData == nil {
		return ""
	}
	return nodetemplate.BootstrapProblem(ctx, c.opts.UserData, g)
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
