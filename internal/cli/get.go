package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
)

// GroupRow is one NodeGroup in `get nodegroups`.
type GroupRow struct {
	Namespace   string   `json:"namespace"`
	Name        string   `json:"name"`
	Min         int32    `json:"min"`
	Max         int32    `json:"max"`
	Desired     int32    `json:"desired"`
	Current     int32    `json:"current"`
	Ready       int32    `json:"ready"`
	InFlight    int      `json:"inFlight"`
	Leaving     int      `json:"leaving"`
	Mode        string   `json:"mode"`
	MonthlyCost *float64 `json:"monthlyCost,omitempty"`
	State       string   `json:"state"`
	Offerings   []string `json:"offerings"`
	Datacenters []string `json:"datacenters"`
}

// groupsIn are the NodeGroups of namespace ns (all with -A), or a NotFound error that says
// how to get one.
func (a *App) groupsIn(v *clusterview.View) ([]*v1alpha1.NodeGroup, error) {
	ns := a.namespace()
	var out []*v1alpha1.NodeGroup
	for _, g := range v.NodeGroups {
		if a.AllNamespaces || g.Namespace == ns {
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		where := "namespace " + ns
		if a.AllNamespaces {
			where = "any namespace"
		}
		return nil, notFound("create one (deploy/examples/nodegroup.yaml is an example), or look in another namespace with -n NS or -A",
			"no NodeGroup in %s", where)
	}
	return out, nil
}

// group is the NodeGroup ns/name of v, or a NotFound error listing the ones there are.
func (a *App) group(v *clusterview.View, name string) (*v1alpha1.NodeGroup, error) {
	key := types.NamespacedName{Namespace: a.namespace(), Name: name}
	if g := v.NodeGroup(key); g != nil {
		return g, nil
	}
	var names []string
	for _, g := range v.NodeGroups {
		names = append(names, g.Namespace+"/"+g.Name)
	}
	hint := "no NodeGroup exists: create one (deploy/examples/nodegroup.yaml is an example)"
	if len(names) > 0 {
		hint = "NodeGroups are: " + strings.Join(names, ", ") + " (use -n NAMESPACE)"
	}
	return nil, notFound(hint, "NodeGroup %s not found", key)
}

// viewGroup reads the cluster and finds the NodeGroup name of the namespace in it.
func (a *App) viewGroup(ctx context.Context, name string) (*clusterview.View, *v1alpha1.NodeGroup, error) {
	v, err := a.view(ctx)
	if err != nil {
		return nil, nil, err
	}
	g, err := a.group(v, name)
	return v, g, err
}

func (a *App) runGetNodeGroups(ctx context.Context) error {
	v, err := a.view(ctx)
	if err != nil {
		return err
	}
	groups, err := a.groupsIn(v)
	if err != nil {
		return err
	}
	cat := a.catalogue(ctx)
	if cat.Missing != "" {
		a.warn("%s: costs left out", cat.Missing)
	}
	members := membership.New(v.VPSieNodes, v.Nodes)
	rows := make([]GroupRow, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, groupRow(g, members, cat))
	}
	return a.render(rows, func(w io.Writer, wide bool) error {
		t := newTable("NAMESPACE", "NAME", "MIN", "DESIRED", "CURRENT", "READY", "IN-FLIGHT", "MODE", "COST/MO", "STATE",
			"MAX", "OFFERINGS", "DATACENTERS")
		t.wideFrom(10)
		for _, r := range rows {
			cost := "?"
			if r.MonthlyCost != nil {
				cost = money(*r.MonthlyCost)
			}
			t.add(r.Namespace, r.Name, itoa(r.Min), itoa(r.Desired), itoa(r.Current), itoa(r.Ready), fmt.Sprint(r.InFlight),
				r.Mode, cost, a.stateColor(r.State), itoa(r.Max), strings.Join(r.Offerings, ","), strings.Join(r.Datacenters, ","))
		}
		return t.write(w, wide)
	})
}

func groupRow(g *v1alpha1.NodeGroup, members *membership.Index, cat catalogue) GroupRow {
	key := g.Key()
	r := GroupRow{Namespace: g.Namespace, Name: g.Name, Min: g.Spec.MinNodes, Max: g.Spec.MaxNodes,
		Desired: g.Status.DesiredNodes, Current: g.Status.CurrentNodes, Ready: g.Status.ReadyNodes,
		InFlight: len(members.InFlightOf(key)), Leaving: len(members.LeavingOf(key)), Mode: mode(g),
		State: state(g), Offerings: g.Spec.OfferingIDs}
	for _, dc := range g.Spec.Datacenters {
		r.Datacenters = append(r.Datacenters, dc.ID)
	}
	if g.Spec.DatacenterID != "" {
		r.Datacenters = append(r.Datacenters, g.Spec.DatacenterID)
	}
	if cat.Missing == "" {
		var sum float64
		for _, vn := range members.MembersOf(key) {
			p, _ := cat.price(vn.Spec.OfferingID)
			sum += p
		}
		r.MonthlyCost = &sum
	}
	return r
}

// mode names what the autoscaler may do to the group: up, down, rebalance.
func mode(g *v1alpha1.NodeGroup) string {
	var on []string
	if g.Spec.ScaleUpPolicy.IsEnabled() {
		on = append(on, "up")
	}
	if g.Spec.ScaleDownPolicy.IsEnabled() {
		on = append(on, "down")
	}
	if g.Spec.RebalancePolicy.Enabled {
		on = append(on, "rebalance")
	}
	if len(on) == 0 {
		return "frozen"
	}
	return strings.Join(on, ",")
}

// state is the group's state from its status: rebalancing with progress, blocked and why,
// scaling, or steady.
func state(g *v1alpha1.NodeGroup) string {
	st := g.Status
	if r := st.Rebalance; rebalanceRunning(g) {
		s := fmt.Sprintf("rebalancing %d/%d batches (%s)", r.BatchesDone, r.BatchesTotal, r.Phase)
		if r.Paused {
			s += " paused"
		}
		return s
	}
	if c := meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionScaleUpBlocked); c != nil && c.Status == "True" {
		return "blocked: " + c.Reason + ": " + c.Message
	}
	if c := meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionScaling); c != nil && c.Status == "True" {
		return "scaling: " + c.Message
	}
	if c := meta.FindStatusCondition(st.Conditions, v1alpha1.ConditionError); c != nil && c.Status == "True" {
		return "error: " + c.Message
	}
	if sd := st.ScaleDown; sd != nil && sd.BlockedCount > 0 {
		return fmt.Sprintf("steady (%d nodes kept from scale-down)", sd.BlockedCount)
	}
	return "steady"
}

func (a *App) stateColor(s string) string {
	switch {
	case strings.HasPrefix(s, "blocked"), strings.HasPrefix(s, "error"):
		return a.paint(red, s)
	case strings.HasPrefix(s, "scaling"), strings.HasPrefix(s, "rebalancing"):
		return a.paint(yellow, s)
	}
	return a.paint(green, s)
}

func itoa(v int32) string { return fmt.Sprint(v) }
