package rebalance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
)

// batch cuts the ordered candidates into the strategy's batches. Nodes drained at the same
// time form a drain group of `step` nodes whose pods never need more disruptions from a
// PodDisruptionBudget than it allows; a node that would is moved to a later group (it passed
// the budgets alone, so each group takes at least one node). Rolling: one batch per drain
// group of maxUnavailable (at least 1). Surge: waves of maxSurge replacements, drained
// maxUnavailable at a time; a wave is the largest multiple of the drain step within maxSurge,
// so the workflow's drain chunks are these groups. Blue-green: one batch, one drain group
// (every old node is evicted at once); the nodes that do not fit the budgets are returned.
func (a *analyzer) batch(g *group, cands []candidate) (Plan, []candidate) {
	p := g.policy
	plan := Plan{NodeGroup: g.key, Strategy: p.strategy, MaxSurge: p.maxSurge, MaxUnavailable: p.maxUnavailable}
	step := int(max(p.maxUnavailable, 1))
	switch p.strategy {
	case v1alpha1.RebalanceBlueGreen:
		step = len(cands)
	case v1alpha1.RebalanceSurge:
		step = min(step, int(max(p.maxSurge, 1)))
	}
	var groups [][]Replacement
	var left []candidate
	for pending := cands; len(pending) > 0; {
		checks := scaledown.NewSafetyChecks(a.safetySnapshot())
		var taken []Replacement
		var rest []candidate
		for _, c := range pending {
			if len(taken) < step && checks.Check(c.node.Name).Reason == scaledown.ReasonNone {
				checks.Spend(c.node.Name)
				taken = append(taken, c.rep)
				continue
			}
			rest = append(rest, c)
		}
		groups = append(groups, taken)
		if p.strategy == v1alpha1.RebalanceBlueGreen {
			left = rest
			break
		}
		pending = rest
	}
	if p.strategy == v1alpha1.RebalanceSurge {
		per := max(int(max(p.maxSurge, 1))/step, 1) // drain groups per wave
		for i := 0; i < len(groups); i += per {
			var wave []Replacement
			for _, grp := range groups[i:min(i+per, len(groups))] {
				wave = append(wave, grp...)
			}
			plan.Batches = append(plan.Batches, wave)
		}
	} else {
		plan.Batches = groups
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d|%d", g.key, p.strategy, p.maxSurge, p.maxUnavailable)
	for i, b := range plan.Batches {
		for _, r := range b {
			plan.MonthlySavings += r.MonthlySavings
			fmt.Fprintf(h, "|%d:%s:%s:%s:%s", i, r.Node, r.VPSieNode, r.From, r.Targets[0].Offering)
		}
	}
	plan.ID = hex.EncodeToString(h.Sum(nil))[:12]
	return plan, left
}
