package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// listen registers the progress query and a coroutine that turns signals into state. The
// handlers never start work: the main path reads the flags at its next gate.
func (r *rebalancer) listen(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, contract.RebalanceQueryProgress, func() (contract.RebalanceProgress, error) {
		return r.snapshot(), nil
	}); err != nil {
		return err
	}
	sel := workflow.NewSelector(ctx)
	// A slice, not a map: the order of the cases must be the same on every replay.
	for _, h := range []struct {
		name  string
		apply func()
	}{
		{contract.RebalanceSignalPause, func() { r.paused = true }},
		{contract.RebalanceSignalResume, func() { r.paused = false }},
		{contract.RebalanceSignalRollback, func() { r.rollback = true }},
		{contract.RebalanceSignalCancel, func() { r.cancel = true }},
	} {
		sel.AddReceive(workflow.GetSignalChannel(ctx, h.name), func(c workflow.ReceiveChannel, _ bool) {
			c.Receive(ctx, nil)
			workflow.GetLogger(ctx).Info("Rebalance signal", "signal", h.name)
			h.apply()
		})
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			sel.Select(ctx)
		}
	})
	return nil
}

// gate is passed before every step. It returns nil once the step may start: not paused,
// no rollback or cancel asked for, and inside a maintenance window (when the input has
// any). It waits with workflow.Await and durable timers, so a paused run or one outside its
// windows costs nothing and survives restarts.
func (r *rebalancer) gate(ctx workflow.Context, phase string) error {
	stopping := func() bool { return r.rollback || r.cancel }
	for {
		if stopping() {
			return errStopped
		}
		if r.paused {
			r.progress.Phase, r.progress.Message = contract.RebalancePhasePaused, "paused by signal; resume to continue"
			if err := workflow.Await(ctx, func() bool { return !r.paused || stopping() }); err != nil {
				return err
			}
			continue
		}
		now := workflow.Now(ctx)
		open, next := r.window(now)
		if open {
			r.progress.Phase, r.progress.Message, r.progress.WindowOpensAt = phase, "", time.Time{}
			return nil
		}
		r.progress.Phase, r.progress.WindowOpensAt = contract.RebalancePhaseWaitingForWindow, next
		wake := func() bool { return r.paused || stopping() }
		if next.IsZero() {
			r.progress.Message = "no maintenance window left; rollback or cancel to end the run"
			if err := workflow.Await(ctx, wake); err != nil {
				return err
			}
			continue
		}
		r.progress.Message = "outside the maintenance windows until " + next.UTC().Format(time.RFC3339)
		if _, err := workflow.AwaitWithTimeout(ctx, next.Sub(now), wake); err != nil {
			return err
		}
	}
}

// window reports whether now is inside one of the input's windows (always, without any),
// and otherwise when the next one opens (zero when none is left).
func (r *rebalancer) window(now time.Time) (bool, time.Time) {
	if len(r.in.Windows) == 0 {
		return true, time.Time{}
	}
	var next time.Time
	for _, w := range r.in.Windows {
		if !now.Before(w.Start) && now.Before(w.End) {
			return true, time.Time{}
		}
		if w.Start.After(now) && (next.IsZero() || w.Start.Before(next)) {
			next = w.Start
		}
	}
	return false, next
}

// snapshot is the progress as the query and the result report it.
func (r *rebalancer) snapshot() contract.RebalanceProgress {
	p := r.progress
	p.Paused = r.paused
	p.NewNodes, p.OldNodes, p.Removed, p.SavingsMonthly = []string{}, []string{}, []string{}, 0
	for _, x := range r.all {
		if x.new != nil && !x.newGone {
			p.NewNodes = append(p.NewNodes, nodeOf(*x.new))
		}
		if x.deleted {
			p.Removed = append(p.Removed, x.rep.Old.NodeName)
		} else {
			p.OldNodes = append(p.OldNodes, x.rep.Old.NodeName)
		}
		if x.committed() {
			p.SavingsMonthly += x.rep.MonthlySavings
		}
	}
	return p
}

// nodeOf is the Node name of a provisioned node (its VPSieNode name before it registered).
func nodeOf(n contract.NodeOutcome) string {
	if n.NodeName != "" {
		return n.NodeName
	}
	return n.Name
}
