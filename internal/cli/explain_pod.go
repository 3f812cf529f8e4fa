package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// PodExplanation is the answer of `explain pod`.
type PodExplanation struct {
	Pod      string `json:"pod"`
	Requests string `json:"requests"`
	// Status: Running, Bound, Unschedulable, NotTriedYet or Finished.
	Status    string `json:"status"`
	Node      string `json:"node,omitempty"`
	Scheduler string `json:"scheduler,omitempty"`
	// Outcome is what the scale-up planner does for it: ScaleUp (new nodes), Existing (fits a
	// Node), InFlight (a booting node takes it), Unschedulable, or None (not pending).
	Outcome  string             `json:"outcome"`
	ScaleUp  *IntentView        `json:"scaleUp,omitempty"`
	InFlight *RunView           `json:"inFlight,omitempty"`
	Groups   []GroupVerdictView `json:"groups,omitempty"`
}

// IntentView is one scale-up intent: what the planner would buy.
type IntentView struct {
	NodeGroup    string   `json:"nodeGroup"`
	Offering     string   `json:"offering"`
	Datacenter   string   `json:"datacenter"`
	Count        int32    `json:"count"`
	MonthlyPrice float64  `json:"monthlyPrice"`
	Reason       string   `json:"reason"`
	Pods         []string `json:"pods"`
}

// RunView is the node a pod waits for and the Temporal run bringing it.
type RunView struct {
	Node      string `json:"node"`
	VPSieNode string `json:"vpsieNode,omitempty"`
	Phase     string `json:"phase,omitempty"`
	Workflow  string `json:"workflow,omitempty"`
	WebUI     string `json:"webUI,omitempty"`
}

// GroupVerdictView is one NodeGroup judged alone for the pod: the planner's typed reason
// and message when it refuses, what it would buy when it takes the pod.
type GroupVerdictView struct {
	NodeGroup string      `json:"nodeGroup"`
	Takes     bool        `json:"takes"`
	Reason    string      `json:"reason"`
	Message   string      `json:"message"`
	Would     *IntentView `json:"would,omitempty"`
}

func (a *App) runExplainPod(ctx context.Context, name string) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	pod := &corev1.Pod{}
	key := types.NamespacedName{Namespace: a.namespace(), Name: name}
	if err := c.Get(ctx, key, pod); err != nil {
		if e := Classify(err); e.Code == ExitNotFound {
			return notFound("check the name and the namespace (-n)", "pod %s not found", key)
		}
		return err
	}
	v, err := a.view(ctx)
	if err != nil {
		return err
	}
	ex := a.explainPod(ctx, v, pod)
	return a.render(ex, func(w io.Writer, _ bool) error { return a.writePod(w, ex) })
}

// explainPod plans the cluster with the pod pending (as it is, or as if the scheduler had
// tried it) and reads the plan for it.
func (a *App) explainPod(ctx context.Context, v *clusterview.View, pod *corev1.Pod) PodExplanation {
	key := types.NamespacedName{Namespace: pod.Namespace, Name: pod.Name}
	cpu, mem := schedsim.PodRequests(&pod.Spec)
	ex := PodExplanation{Pod: key.String(), Outcome: "None",
		Requests: fmt.Sprintf("cpu %s, memory %s", resource.NewMilliQuantity(cpu, resource.DecimalSI), resource.NewQuantity(mem, resource.BinarySI))}
	ex.Status, ex.Scheduler = podStatus(pod)
	ex.Node = pod.Spec.NodeName
	if ex.Status != "Unschedulable" && ex.Status != "NotTriedYet" {
		return ex
	}
	var extra []*corev1.Pod
	if ex.Status == "NotTriedYet" {
		extra = append(extra, pod)
	}
	p := a.planView(ctx, v, extra)
	a.readPlanFor(&ex, p, key)
	ex.Groups = a.groupsAlone(p, key)
	return ex
}

func podStatus(pod *corev1.Pod) (status, scheduler string) {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			scheduler = c.Message
		}
	}
	switch {
	case pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed || pod.DeletionTimestamp != nil:
		return "Finished", scheduler
	case pod.Spec.NodeName != "" && pod.Status.Phase == corev1.PodRunning:
		return "Running", ""
	case pod.Spec.NodeName != "":
		return "Bound", ""
	case clusterview.Unschedulable(pod):
		return "Unschedulable", scheduler
	}
	return "NotTriedYet", scheduler
}

// readPlanFor finds the pod in the plan: a new node's pods, an existing or booting node's
// placements, or the unschedulable with every group's verdict.
func (a *App) readPlanFor(ex *PodExplanation, p *plans, key types.NamespacedName) {
	for _, in := range p.up.Intents {
		for _, pod := range in.Pods {
			if pod == key {
				ex.Outcome, ex.ScaleUp = "ScaleUp", intentView(in)
				return
			}
		}
	}
	for _, pl := range p.up.Existing {
		if pl.Pod != key {
			continue
		}
		ex.Outcome = "Existing"
		if pl.InFlight {
			ex.Outcome, ex.InFlight = "InFlight", a.runOf(p.view, pl.Node)
		} else {
			ex.Node = pl.Node
		}
		return
	}
	for _, u := range p.up.Unschedulable {
		if u.Pod == key {
			ex.Outcome = "Unschedulable"
		}
	}
}

// runOf is the booting node named host: its VPSieNode and the ScaleUp run bringing it
// (contract.ScaleUpWorkflowID of its group and batch).
func (a *App) runOf(v *clusterview.View, host string) *RunView {
	r := &RunView{Node: host}
	for _, vn := range v.VPSieNodes {
		if vn.Spec.Hostname != host && vn.Status.NodeName != host {
			continue
		}
		r.VPSieNode, r.Phase = vn.Namespace+"/"+vn.Name, string(vn.Status.Phase)
		if batch := vn.Labels[v1alpha1.LabelBatch]; batch != "" {
			r.Workflow = contract.ScaleUpWorkflowID(vn.Namespace, vn.Spec.NodeGroup, batch)
			r.WebUI = a.webUI(r.Workflow)
		}
	}
	return r
}

func intentView(in scaleup.Intent) *IntentView {
	iv := &IntentView{NodeGroup: in.NodeGroup.String(), Offering: in.Offering, Datacenter: in.Datacenter, Count: in.Count,
		MonthlyPrice: in.MonthlyPrice, Reason: in.Reason.String()}
	for _, p := range in.Pods {
		iv.Pods = append(iv.Pods, p.String())
	}
	return iv
}

// groupsAlone judges every NodeGroup alone for the pod: the same planner on the same
// input with only that group, so each group says whether it could take the pod and, if
// not, its typed reason with the numbers.
func (a *App) groupsAlone(p *plans, key types.NamespacedName) []GroupVerdictView {
	var out []GroupVerdictView
	for _, g := range p.view.NodeGroups {
		s := p.upInput
		s.NodeGroups = []*v1alpha1.NodeGroup{g}
		r := scaleup.Plan(s, scaleup.DefaultOptions())
		gv := GroupVerdictView{NodeGroup: g.Key().String()}
		for _, in := range r.Intents {
			for _, pod := range in.Pods {
				if pod == key {
					gv.Takes, gv.Reason, gv.Would = true, in.Reason.String(), intentView(in)
					gv.Message = fmt.Sprintf("%d × %s in %s for %s/month", in.Count, in.Offering, in.Datacenter, money(in.MonthlyPrice))
				}
			}
		}
		for _, u := range r.Unschedulable {
			if u.Pod != key {
				continue
			}
			for _, vd := range u.Verdicts {
				if vd.NodeGroup == g.Key() {
					gv.Reason, gv.Message = vd.Reason.String(), vd.Message
				}
			}
		}
		for _, pl := range r.Existing {
			if pl.Pod == key {
				gv.Takes, gv.Reason, gv.Message = true, "FitsExisting", "fits on "+pl.Node+" without a new node"
			}
		}
		out = append(out, gv)
	}
	return out
}

func (a *App) writePod(w io.Writer, ex PodExplanation) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Pod:        %s\nRequests:   %s\nStatus:     %s", ex.Pod, ex.Requests, ex.Status)
	if ex.Node != "" {
		fmt.Fprintf(&b, " on node %s", ex.Node)
	}
	b.WriteString("\n")
	if ex.Scheduler != "" {
		fmt.Fprintf(&b, "Scheduler:  %s\n", ex.Scheduler)
	}
	switch ex.Outcome {
	case "None":
		b.WriteString("Autoscaler: nothing to do, the pod is not waiting for a node\n")
	case "ScaleUp":
		in := ex.ScaleUp
		fmt.Fprintf(&b, "Autoscaler: %s: the next scale-up buys %d × %s in %s for NodeGroup %s, %s/month (%d pods share it)\n",
			a.paint(green, "will scale up"), in.Count, in.Offering, in.Datacenter, in.NodeGroup, money(in.MonthlyPrice), len(in.Pods))
	case "Existing":
		fmt.Fprintf(&b, "Autoscaler: no new node needed: it fits on node %s (the scheduler's next attempt places it)\n", ex.Node)
	case "InFlight":
		r := ex.InFlight
		fmt.Fprintf(&b, "Autoscaler: %s: node %s (%s) is booting and will take it\n", a.paint(yellow, "waiting"),
			r.Node, strings.Join(nonEmpty("VPSieNode "+r.VPSieNode, r.Phase), ", "))
		if r.Workflow != "" {
			fmt.Fprintf(&b, "Run:        %s\n", r.Workflow)
		}
		if r.WebUI != "" {
			fmt.Fprintf(&b, "Web UI:     %s\n", r.WebUI)
		}
	case "Unschedulable":
		fmt.Fprintf(&b, "Autoscaler: %s: no NodeGroup can take it\n", a.paint(red, "cannot help"))
	}
	if len(ex.Groups) > 0 {
		b.WriteString("\nNodeGroups (each judged alone):\n")
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		b.Reset()
		t := newTable("  NODEGROUP", "TAKES", "REASON", "DETAIL")
		for _, g := range ex.Groups {
			takes := a.paint(red, "no")
			if g.Takes {
				takes = a.paint(green, "yes")
			}
			t.add("  "+g.NodeGroup, takes, g.Reason, g.Message)
		}
		return t.write(w, false)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// nonEmpty drops the parts that say nothing: a label whose value is missing (ends in a
// space) or an empty value.
func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p != "" && !strings.HasSuffix(p, " ") {
			out = append(out, p)
		}
	}
	return out
}
