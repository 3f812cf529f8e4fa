package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// rebalanceActions maps each action to its workflow signal and the annotation value the
// rebalance controller understands (see internal/controller/rebalance, annotations.go).
// start has no signal: the controller analyzes and starts the run, so it is asked to with
// the annotation; cancel has no annotation.
var rebalanceActions = map[string]struct{ signal, annotation string }{
	"start":    {annotation: v1alpha1.RebalanceNow},
	"pause":    {signal: contract.RebalanceSignalPause, annotation: v1alpha1.RebalancePause},
	"resume":   {signal: contract.RebalanceSignalResume, annotation: v1alpha1.RebalanceResume},
	"rollback": {signal: contract.RebalanceSignalRollback, annotation: v1alpha1.RebalanceRollback},
	"cancel":   {signal: contract.RebalanceSignalCancel},
}

// runRebalanceAction signals the group's Rebalance run through Temporal when it can reach
// it, else writes the annotation the rebalance controller turns into the same signal.
func (a *App) runRebalanceAction(ctx context.Context, action, group string) error {
	act := rebalanceActions[action]
	_, g, err := a.viewGroup(ctx, group)
	if err != nil {
		return err
	}
	id := contract.RebalanceWorkflowID(g.Namespace, g.Name)
	if act.signal != "" {
		tc, terr := a.temporal(ctx)
		if terr == nil {
			err := tc.SignalWorkflow(ctx, id, "", act.signal, nil)
			var nf *serviceerror.NotFound
			if errors.As(err, &nf) {
				return notFound("start one with `kubectl vpsie rebalance start "+g.Name+"`", "no Rebalance run of %s is running (%s)", g.Key(), id)
			}
			if err != nil {
				return fmt.Errorf("signalling %s to %s: %w", act.signal, id, err)
			}
			fmt.Fprintf(a.Streams.Out, "sent %s to %s through Temporal\n", act.signal, id)
			if u := a.webUI(id); u != "" {
				fmt.Fprintf(a.Streams.Out, "Web UI: %s\n", u)
			}
			return nil
		}
		if act.annotation == "" {
			return terr
		}
		a.warn("Temporal not reachable (%v); asking the rebalance controller through the annotation", strings.Split(terr.Error(), "\n")[0])
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	patched := g.DeepCopy()
	if patched.Annotations == nil {
		patched.Annotations = map[string]string{}
	}
	patched.Annotations[v1alpha1.AnnotationRebalance] = act.annotation
	if err := c.Patch(ctx, patched, client.MergeFrom(g)); err != nil {
		return fmt.Errorf("annotating NodeGroup %s %s=%s: %w", g.Key(), v1alpha1.AnnotationRebalance, act.annotation, err)
	}
	fmt.Fprintf(a.Streams.Out, "annotated NodeGroup %s %s=%s; the rebalance controller acts on it at its next pass\n",
		g.Key(), v1alpha1.AnnotationRebalance, act.annotation)
	return nil
}

// RebalanceStatus is the answer of `rebalance status`.
type RebalanceStatus struct {
	NodeGroup string                     `json:"nodeGroup"`
	Workflow  string                     `json:"workflow"`
	Source    string                     `json:"source"` // temporal or status
	Progress  contract.RebalanceProgress `json:"progress"`
	Running   bool                       `json:"running"`
	Outcome   string                     `json:"outcome,omitempty"`
	WebUI     string                     `json:"webUI,omitempty"`
}

func (a *App) rebalanceStatus(ctx context.Context, group string) (RebalanceStatus, error) {
	c, err := a.client()
	if err != nil {
		return RebalanceStatus{}, err
	}
	g := &v1alpha1.NodeGroup{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: a.namespace(), Name: group}, g); err != nil {
		if Classify(err).Code == ExitNotFound {
			return RebalanceStatus{}, notFound("list them with `kubectl vpsie get nodegroups -A`", "NodeGroup %s/%s not found", a.namespace(), group)
		}
		return RebalanceStatus{}, err
	}
	id := contract.RebalanceWorkflowID(g.Namespace, g.Name)
	st := RebalanceStatus{NodeGroup: g.Key().String(), Workflow: id, Source: "status", WebUI: a.webUI(id), Running: rebalanceRunning(g)}
	if r := g.Status.Rebalance; r != nil {
		st.Progress = contract.RebalanceProgress{PlanID: r.PlanID, Strategy: r.Strategy, Phase: r.Phase, Paused: r.Paused,
			BatchesDone: int(r.BatchesDone), BatchesTotal: int(r.BatchesTotal), NewNodes: r.NewNodes, OldNodes: r.OldNodes, Message: r.Message}
		st.Outcome = r.Outcome
	}
	if tc, err := a.temporal(ctx); err == nil {
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if resp, err := tc.QueryWorkflow(qctx, id, "", contract.RebalanceQueryProgress); err == nil {
			var p contract.RebalanceProgress
			if resp.Get(&p) == nil {
				st.Progress, st.Source = p, "temporal"
				st.Running = !terminalPhase(p.Phase)
			}
		}
	}
	return st, nil
}

func terminalPhase(p string) bool {
	switch p {
	case contract.RebalancePhaseCompleted, contract.RebalancePhaseRolledBack, contract.RebalancePhaseCancelled:
		return true
	}
	return false
}

func (a *App) runRebalanceStatus(ctx context.Context, group string, watch bool, interval time.Duration) error {
	st, err := a.rebalanceStatus(ctx, group)
	if err != nil {
		return err
	}
	if !watch {
		return a.render(st, func(w io.Writer, _ bool) error { return a.writeStatus(w, st) })
	}
	last := ""
	for {
		line := a.progressLine(st)
		if line != last {
			fmt.Fprintln(a.Streams.Out, line)
			last = line
		}
		if !st.Running {
			fmt.Fprintf(a.Streams.Out, "run ended: %s\n", orDash(st.Outcome, st.Progress.Phase))
			return nil
		}
		if err := a.sleep(ctx, interval); err != nil {
			return err
		}
		if st, err = a.rebalanceStatus(ctx, group); err != nil {
			return err
		}
	}
}

func orDash(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return "-"
}

// progressLine is one progress bar over the batches: [####----] 2/4 batches Phase.
func (a *App) progressLine(st RebalanceStatus) string {
	p := st.Progress
	const width = 20
	filled := 0
	if p.BatchesTotal > 0 {
		filled = p.BatchesDone * width / p.BatchesTotal
	}
	bar := strings.Repeat("#", filled) + strings.Repeat("-", width-filled)
	s := fmt.Sprintf("%s [%s] %d/%d batches %s", st.NodeGroup, a.paint(green, bar), p.BatchesDone, p.BatchesTotal, orDash(p.Phase))
	if p.Paused {
		s += " " + a.paint(yellow, "(paused)")
	}
	if p.Message != "" {
		s += ": " + p.Message
	}
	return s
}

func (a *App) writeStatus(w io.Writer, st RebalanceStatus) error {
	p := st.Progress
	fmt.Fprintf(w, "NodeGroup: %s\nWorkflow:  %s (from %s)\n", st.NodeGroup, st.Workflow, st.Source)
	if st.WebUI != "" {
		fmt.Fprintf(w, "Web UI:    %s\n", st.WebUI)
	}
	if p.Phase == "" && p.PlanID == "" {
		_, err := fmt.Fprintln(w, "No rebalance has run; `kubectl vpsie plan NODEGROUP` shows what one would replace")
		return err
	}
	fmt.Fprintf(w, "Plan:      %s (%s)\nProgress:  %s\n", p.PlanID, p.Strategy, a.progressLine(st))
	fmt.Fprintf(w, "New nodes: %s\nOld nodes: %s\n", strings.Join(p.NewNodes, ", "), strings.Join(p.OldNodes, ", "))
	if st.Outcome != "" {
		fmt.Fprintf(w, "Outcome:   %s\n", st.Outcome)
	}
	return nil
}
