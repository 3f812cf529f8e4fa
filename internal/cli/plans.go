package cli

import (
	"context"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	catalogues "github.com/vpsie/vpsie-autoscaler/internal/catalogue"
	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/planinput"
)

// plans is one dry run of the three planners on one View, built by planinput as the
// controllers build theirs.
type plans struct {
	view     *clusterview.View
	cat      catalogue
	upInput  scaleup.Snapshot
	up       scaleup.Result
	down     scaledown.Result
	downIn   scaledown.Snapshot
	downOpts scaledown.Options
	rebal    rebalance.Result
}

// runPlanners reads the cluster and plans. extra are pods to add as pending (what-if).
func (a *App) runPlanners(ctx context.Context, extra []*corev1.Pod) (*plans, error) {
	v, err := a.view(ctx)
	if err != nil {
		return nil, err
	}
	return a.planView(ctx, v, extra), nil
}

func (a *App) planView(ctx context.Context, v *clusterview.View, extra []*corev1.Pod) *plans {
	p := &plans{view: v, cat: a.catalogue(ctx)}
	if p.cat.Missing != "" {
		a.warn("%s", p.cat.Missing)
	}
	p.upInput = planinput.ScaleUp(v, p.cat.Catalogue)
	p.upInput.Pending = append(p.upInput.Pending[:len(p.upInput.Pending):len(p.upInput.Pending)], extra...)
	p.up = scaleup.Plan(p.upInput, scaleup.DefaultOptions())

	nodes := planinput.Nodes(v)
	p.downOpts = scaledown.DefaultOptions()
	p.downIn = planinput.ScaleDown(v, nodes)
	p.downIn.Utilization = estimatedUtilization(v, p.downOpts)
	p.down = scaledown.Plan(p.downIn, p.downOpts)

	rs := planinput.Rebalance(v, nodes, catalogues.Offerings(p.cat.Catalogue))
	for _, g := range v.NodeGroups {
		st := rebalance.GroupState{Manual: g.Annotations[v1alpha1.AnnotationRebalance] == v1alpha1.RebalanceNow,
			Running: rebalanceRunning(g)}
		if t := g.Status.LastRebalanceTime; t != nil {
			st.LastRebalance = t.Time
		}
		rs.Groups[g.Key()] = st
	}
	p.rebal = rebalance.Analyze(rs, rebalance.DefaultOptions())
	return p
}

// rebalanceRunning reads the group's status: a run started and not finished.
func rebalanceRunning(g *v1alpha1.NodeGroup) bool {
	r := g.Status.Rebalance
	return r != nil && r.StartedAt != nil && r.FinishedAt == nil
}
