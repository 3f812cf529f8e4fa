package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

// PlanReport is the answer of `plan`: the three planners' dry run, filtered to a namespace
// or a NodeGroup.
type PlanReport struct {
	Catalogue string `json:"catalogue"`
	// Workloads are the manifest's (plan -f), when given.
	Workloads []Workload    `json:"workloads,omitempty"`
	ScaleUp   ScaleUpView   `json:"scaleUp"`
	ScaleDown ScaleDownView `json:"scaleDown"`
	Rebalance RebalanceView `json:"rebalance"`
}

// ScaleUpView is the scale-up plan.
type ScaleUpView struct {
	Intents       []IntentView        `json:"intents"`
	MonthlyPrice  float64             `json:"monthlyPrice"`
	Existing      []PlacementView     `json:"existing,omitempty"`
	Unschedulable []UnschedulableView `json:"unschedulable,omitempty"`
	Groups        []ReasonView        `json:"groups,omitempty"`
	// WithoutManifest is what the live cluster alone would buy (plan -f only).
	WithoutManifest *float64 `json:"withoutManifestMonthlyPrice,omitempty"`
}

// PlacementView is a pending pod that existing or booting capacity takes.
type PlacementView struct {
	Pod      string `json:"pod"`
	Node     string `json:"node"`
	InFlight bool   `json:"inFlight"`
}

// UnschedulableView is a pod no group can take, with the planner's message.
type UnschedulableView struct {
	Pod     string       `json:"pod"`
	Message string       `json:"message"`
	Groups  []ReasonView `json:"groups"`
}

// ScaleDownView is the scale-down plan.
type ScaleDownView struct {
	Drains []DrainView `json:"drains"`
	Kept   []KeptView  `json:"kept"`
}

// DrainView is one node scale-down would drain.
type DrainView struct {
	Node      string   `json:"node"`
	NodeGroup string   `json:"nodeGroup"`
	Reason    string   `json:"reason"`
	Message   string   `json:"message"`
	Pods      []string `json:"pods,omitempty"`
}

// KeptView is one managed node scale-down keeps and why.
type KeptView struct {
	Node      string `json:"node"`
	NodeGroup string `json:"nodeGroup,omitempty"`
	Reason    string `json:"reason"`
	Message   string `json:"message"`
}

// RebalanceView is the rebalance analysis.
type RebalanceView struct {
	Replacements []ReplacementRow `json:"replacements"`
	Groups       []RebalanceGroup `json:"groups"`
}

// ReplacementRow is one node a rebalance would replace.
type ReplacementRow struct {
	NodeGroup string  `json:"nodeGroup"`
	Node      string  `json:"node"`
	From      string  `json:"from"`
	To        string  `json:"to"`
	Saving    float64 `json:"monthlySaving"`
	Reason    string  `json:"reason"`
}

// RebalanceGroup is the analyzer's verdict on one group.
type RebalanceGroup struct {
	NodeGroup        string  `json:"nodeGroup"`
	Reason           string  `json:"reason"`
	Message          string  `json:"message"`
	MonthlyCost      float64 `json:"monthlyCost"`
	PotentialSavings float64 `json:"potentialSavings"`
}

func (a *App) runPlan(ctx context.Context, group, manifest string) error {
	var workloads []Workload
	var extra []*corev1.Pod
	if manifest != "" {
		var err error
		if workloads, err = readManifest(manifest, a.namespace(), a.Streams.In); err != nil {
			return err
		}
		for _, w := range workloads {
			extra = append(extra, w.pods...)
		}
	}
	v, err := a.view(ctx)
	if err != nil {
		return err
	}
	keep := func(types.NamespacedName) bool { return true }
	if group != "" {
		g, err := a.group(v, group)
		if err != nil {
			return err
		}
		keep = func(k types.NamespacedName) bool { return k == g.Key() }
	} else if !a.AllNamespaces && manifest == "" {
		ns := a.namespace()
		keep = func(k types.NamespacedName) bool { return k.Namespace == ns }
	}
	p := a.planView(ctx, v, extra)
	rep := PlanReport{Catalogue: p.cat.Source, Workloads: workloads}
	rep.ScaleUp = scaleUpView(p.up, keep)
	if manifest != "" {
		base := scaleup.Plan(planWithout(p), scaleup.DefaultOptions()).MonthlyPrice()
		rep.ScaleUp.WithoutManifest = &base
	}
	rep.ScaleDown = scaleDownView(p, keep)
	rep.Rebalance = rebalanceView(p, keep)
	return a.render(rep, func(w io.Writer, wide bool) error { return a.writePlan(w, rep, wide) })
}

// planWithout is the scale-up input without the manifest's pods: the live pending only.
func planWithout(p *plans) scaleup.Snapshot {
	s := p.upInput
	s.Pending = p.view.Pending
	return s
}

func scaleUpView(r scaleup.Result, keep func(types.NamespacedName) bool) ScaleUpView {
	out := ScaleUpView{}
	for _, in := range r.Intents {
		if keep(in.NodeGroup) {
			out.Intents = append(out.Intents, *intentView(in))
			out.MonthlyPrice += in.MonthlyPrice
		}
	}
	for _, pl := range r.Existing {
		out.Existing = append(out.Existing, PlacementView{Pod: pl.Pod.String(), Node: pl.Node, InFlight: pl.InFlight})
	}
	for _, u := range r.Unschedulable {
		uv := UnschedulableView{Pod: u.Pod.String(), Message: scaleup.EventMessage(u)}
		for _, v := range u.Verdicts {
			uv.Groups = append(uv.Groups, ReasonView{Reason: v.Reason.String(), Message: v.NodeGroup.String() + ": " + v.Message})
		}
		out.Unschedulable = append(out.Unschedulable, uv)
	}
	for _, v := range r.Groups {
		if keep(v.NodeGroup) {
			out.Groups = append(out.Groups, ReasonView{Reason: v.Reason.String(), Message: v.NodeGroup.String() + ": " + v.Message})
		}
	}
	return out
}

func scaleDownView(p *plans, keep func(types.NamespacedName) bool) ScaleDownView {
	out := ScaleDownView{}
	for _, d := range p.down.Drains {
		if !keep(d.NodeGroup) {
			continue
		}
		dv := DrainView{Node: d.Node, NodeGroup: d.NodeGroup.String(), Reason: d.Reason.String(), Message: d.Message}
		for _, pod := range d.Pods {
			dv.Pods = append(dv.Pods, pod.String())
		}
		out.Drains = append(out.Drains, dv)
	}
	for _, k := range p.down.Kept {
		if k.NodeGroup.Name == "" || keep(k.NodeGroup) {
			out.Kept = append(out.Kept, KeptView{Node: k.Node, NodeGroup: k.NodeGroup.String(), Reason: k.Reason.String(), Message: k.Message})
		}
	}
	return out
}

func rebalanceView(p *plans, keep func(types.NamespacedName) bool) RebalanceView {
	out := RebalanceView{}
	for _, pl := range p.rebal.Plans {
		if !keep(pl.NodeGroup) {
			continue
		}
		for _, b := range pl.Batches {
			for _, r := range b {
				row := ReplacementRow{NodeGroup: pl.NodeGroup.String(), Node: r.Node, From: r.From, Saving: r.MonthlySavings, Reason: r.Reason.String()}
				if len(r.Targets) > 0 {
					row.To = r.Targets[0].Offering
				}
				out.Replacements = append(out.Replacements, row)
			}
		}
	}
	for _, g := range p.rebal.Groups {
		if keep(g.NodeGroup) {
			out.Groups = append(out.Groups, RebalanceGroup{NodeGroup: g.NodeGroup.String(), Reason: g.Reason.String(), Message: g.Message,
				MonthlyCost: g.MonthlyCost, PotentialSavings: g.PotentialSavings})
		}
	}
	return out
}

func (a *App) writePlan(w io.Writer, rep PlanReport, wide bool) error {
	section := func(title string) { fmt.Fprintf(w, "\n%s\n", a.paint(bold, title)) }
	if len(rep.Workloads) > 0 {
		var names []string
		for _, wl := range rep.Workloads {
			names = append(names, fmt.Sprintf("%s %s/%s ×%d", wl.Kind, wl.Namespace, wl.Name, wl.Replicas))
		}
		fmt.Fprintf(w, "What-if: %s added as pending pods\n", strings.Join(names, ", "))
	}
	up := rep.ScaleUp
	section(fmt.Sprintf("SCALE-UP: %d intents, %s/month", len(up.Intents), money(up.MonthlyPrice)))
	if up.WithoutManifest != nil {
		fmt.Fprintf(w, "(without the manifest: %s/month; the manifest adds %s/month)\n", money(*up.WithoutManifest),
			money(up.MonthlyPrice-*up.WithoutManifest))
	}
	t := newTable("NODEGROUP", "OFFERING", "DATACENTER", "NODES", "PRICE/MO", "REASON", "PODS").wideFrom(6)
	for _, in := range up.Intents {
		t.add(in.NodeGroup, in.Offering, in.Datacenter, fmt.Sprint(in.Count), money(in.MonthlyPrice), in.Reason, strings.Join(in.Pods, ","))
	}
	if err := t.write(w, wide); err != nil {
		return err
	}
	for _, pl := range up.Existing {
		where := "node " + pl.Node
		if pl.InFlight {
			where = "booting node " + pl.Node
		}
		fmt.Fprintf(w, "  fits %s: %s\n", where, pl.Pod)
	}
	for _, u := range up.Unschedulable {
		fmt.Fprintf(w, "  %s %s: %s [%s]\n", a.paint(red, "no group can take"), u.Pod, u.Message, reasonsOf(u.Groups))
	}
	for _, g := range up.Groups {
		fmt.Fprintf(w, "  group %s (%s)\n", g.Message, g.Reason)
	}
	section(fmt.Sprintf("SCALE-DOWN: %d drains", len(rep.ScaleDown.Drains)))
	t = newTable("NODE", "NODEGROUP", "ACTION", "REASON", "DETAIL")
	for _, d := range rep.ScaleDown.Drains {
		t.add(d.Node, d.NodeGroup, a.paint(yellow, "drain"), d.Reason, d.Message)
	}
	for _, k := range rep.ScaleDown.Kept {
		t.add(k.Node, k.NodeGroup, "keep", k.Reason, k.Message)
	}
	if err := t.write(w, wide); err != nil {
		return err
	}
	section(fmt.Sprintf("REBALANCE: %d replacements", len(rep.Rebalance.Replacements)))
	t = newTable("NODEGROUP", "NODE", "FROM", "TO", "SAVING/MO", "REASON")
	for _, r := range rep.Rebalance.Replacements {
		t.add(r.NodeGroup, r.Node, r.From, r.To, money(r.Saving), r.Reason)
	}
	if err := t.write(w, wide); err != nil {
		return err
	}
	for _, g := range rep.Rebalance.Groups {
		verdict := "a plan is ready"
		if g.Reason != "None" {
			verdict = g.Reason + " (" + g.Message + ")"
		}
		fmt.Fprintf(w, "  group %s: %s; cost %s/month, potential savings %s/month\n", g.NodeGroup, verdict,
			money(g.MonthlyCost), money(g.PotentialSavings))
	}
	_, err := fmt.Fprintf(w, "\ncatalogue: %s; scale-down judges each node's load now as if held for its window\n", rep.Catalogue)
	return err
}

// reasonsOf joins the distinct typed reasons of rs.
func reasonsOf(rs []ReasonView) string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.Reason] {
			seen[r.Reason] = true
			out = append(out, r.Reason)
		}
	}
	return strings.Join(out, ", ")
}
