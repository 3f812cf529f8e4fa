package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/utilization"
)

// NodeExplanation is the answer of `explain node`.
type NodeExplanation struct {
	Node      string `json:"node"`
	NodeGroup string `json:"nodeGroup,omitempty"`
	VPSieNode string `json:"vpsieNode,omitempty"`
	Offering  string `json:"offering,omitempty"`
	// Utilization is the node's load now, requests of allocatable, as the controller samples it.
	Utilization string `json:"utilization"`
	// Window is the group's stabilization window and thresholds.
	Window string `json:"window,omitempty"`
	// ScaleDown: Drain (the planner would drain it now, and why) or Keep.
	ScaleDown string `json:"scaleDown"`
	// DrainReason is why it would go (Empty, Underutilized, AboveMaxNodes).
	DrainReason string `json:"drainReason,omitempty"`
	DrainDetail string `json:"drainDetail,omitempty"`
	// Verdict is this pass's reason to keep it, which may come from the other nodes (a
	// drain limit another node takes), when Blocking judges the node alone.
	Verdict *ReasonView `json:"verdict,omitempty"`
	// Blocking is every reason that keeps it (scaledown.Blocking), not only the first.
	Blocking []ReasonView `json:"blocking,omitempty"`
	// ControllerSays is the controller's last published verdict (the node's
	// autoscaler.vpsie.com/scale-down-blocked annotation).
	ControllerSays string `json:"controllerSays,omitempty"`
	// Rebalance is what the analyzer would replace it with, or why not.
	Rebalance *ReplacementView `json:"rebalance,omitempty"`
}

// ReasonView is a planner's typed reason with its message.
type ReasonView struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
	Pod     string `json:"pod,omitempty"`
}

// ReplacementView is the rebalance analyzer's answer for one node.
type ReplacementView struct {
	Replace bool    `json:"replace"`
	From    string  `json:"from,omitempty"`
	To      string  `json:"to,omitempty"`
	Saving  float64 `json:"monthlySaving,omitempty"`
	Reason  string  `json:"reason"`
	Message string  `json:"message"`
}

func (a *App) runExplainNode(ctx context.Context, name string) error {
	p, err := a.runPlanners(ctx, nil)
	if err != nil {
		return err
	}
	n := p.view.Node(name)
	if n == nil {
		return notFound("list nodes with `kubectl get nodes`", "node %s not found", name)
	}
	ex := NodeExplanation{Node: name, ControllerSays: n.Annotations[v1alpha1.AnnotationScaleDownBlocked]}
	members := membership.New(p.view.VPSieNodes, p.view.Nodes)
	if vn := members.OwnerOf(name); vn != nil {
		ex.NodeGroup, ex.VPSieNode, ex.Offering = vn.GroupKey().String(), vn.Name, vn.Spec.OfferingID
	}
	s := utilization.NodeSample(n, p.view.PodsOn(name), p.view.Now)
	ex.Utilization = fmt.Sprintf("CPU %s, memory %s requested of allocatable, %d pods to move",
		pct(s.CPURequested, s.CPUAllocatable), pct(s.MemoryRequested, s.MemoryAllocatable), s.Pods)
	if pol, ok := planPolicy(p, name); ok {
		ex.Window = fmt.Sprintf("below %d%% CPU and %d%% memory for %s (the controller keeps the samples; the plugin sees only now)",
			pol.CPUPercent, pol.MemoryPercent, pol.Window)
	}
	ex.ScaleDown = "Keep"
	for _, d := range p.down.Drains {
		if d.Node == name {
			ex.ScaleDown, ex.DrainReason, ex.DrainDetail = "Drain", d.Reason.String(), d.Message
		}
	}
	for _, k := range p.down.Kept {
		if k.Node == name {
			ex.Verdict = &ReasonView{Reason: k.Reason.String(), Message: k.Message}
		}
	}
	for _, v := range scaledown.Blocking(p.downIn, p.downOpts, name) {
		rv := ReasonView{Reason: v.Reason.String(), Message: v.Message}
		if v.Pod.Name != "" {
			rv.Pod = v.Pod.String()
		}
		ex.Blocking = append(ex.Blocking, rv)
	}
	ex.Rebalance = rebalanceOf(p, name)
	return a.render(ex, func(w io.Writer, _ bool) error { return a.writeNode(w, ex) })
}

func planPolicy(p *plans, node string) (scaledown.Policy, bool) {
	members := membership.New(p.view.VPSieNodes, p.view.Nodes)
	g, ok := members.GroupOf(node)
	if !ok || p.view.NodeGroup(g) == nil {
		return scaledown.Policy{}, false
	}
	return scaledown.PolicyOf(p.view.NodeGroup(g)), true
}

func rebalanceOf(p *plans, node string) *ReplacementView {
	for _, pl := range p.rebal.Plans {
		for _, b := range pl.Batches {
			for _, r := range b {
				if r.Node != node {
					continue
				}
				rv := &ReplacementView{Replace: true, From: r.From, Saving: r.MonthlySavings, Reason: r.Reason.String(), Message: r.Message}
				if len(r.Targets) > 0 {
					rv.To = r.Targets[0].Offering
				}
				return rv
			}
		}
	}
	for _, e := range p.rebal.Excluded {
		if e.Node == node {
			return &ReplacementView{Reason: e.Reason.String(), Message: e.Message}
		}
	}
	return nil
}

func pct(a, b int64) string {
	if b <= 0 {
		return "?%"
	}
	return fmt.Sprintf("%d%%", a*100/b)
}

func (a *App) writeNode(w io.Writer, ex NodeExplanation) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Node:        %s\n", ex.Node)
	if ex.NodeGroup != "" {
		fmt.Fprintf(&b, "NodeGroup:   %s (VPSieNode %s, offering %s)\n", ex.NodeGroup, ex.VPSieNode, ex.Offering)
	} else {
		b.WriteString("NodeGroup:   none (not managed by the autoscaler)\n")
	}
	fmt.Fprintf(&b, "Utilization: %s\n", ex.Utilization)
	if ex.Window != "" {
		fmt.Fprintf(&b, "Window:      %s\n", ex.Window)
	}
	if ex.ScaleDown == "Drain" {
		fmt.Fprintf(&b, "Scale-down:  %s (%s: %s)\n", a.paint(yellow, "would drain it now"), ex.DrainReason, ex.DrainDetail)
	} else {
		fmt.Fprintf(&b, "Scale-down:  %s", a.paint(green, "keeps it"))
		if ex.Verdict != nil {
			fmt.Fprintf(&b, " (this pass: %s: %s)", ex.Verdict.Reason, ex.Verdict.Message)
		}
		b.WriteString("\n")
	}
	if len(ex.Blocking) > 0 {
		b.WriteString("Blocking:\n")
		for _, r := range ex.Blocking {
			fmt.Fprintf(&b, "  - %s: %s\n", a.paint(bold, r.Reason), r.Message)
		}
	}
	if ex.ControllerSays != "" {
		fmt.Fprintf(&b, "Controller:  %s (its last verdict, annotation %s)\n", ex.ControllerSays, v1alpha1.AnnotationScaleDownBlocked)
	}
	if r := ex.Rebalance; r != nil && r.Replace {
		fmt.Fprintf(&b, "Rebalance:   replace %s by %s, saving %s/month (%s: %s)\n", r.From, r.To, money(r.Saving), r.Reason, r.Message)
	} else if r != nil {
		fmt.Fprintf(&b, "Rebalance:   stays (%s: %s)\n", r.Reason, r.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
