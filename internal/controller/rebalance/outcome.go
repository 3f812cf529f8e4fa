package rebalance

import (
	"fmt"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// OutcomeFailed is the outcome of a run that ended in an error: its compensation failed,
// or it was terminated. The other outcomes are the workflow's (Completed, RolledBack,
// Cancelled).
const OutcomeFailed = "Failed"

// ending is how a run ended, as the controller reports it.
type ending struct {
	outcome, reason, message string
	// progress is the run's last progress, when it returned a result.
	progress *contract.RebalanceProgress
	// replaced and restored count the nodes it replaced and restored.
	replaced, restored int
}

func endingOf(res contract.RebalanceResult, err error) ending {
	if err != nil {
		return ending{outcome: OutcomeFailed, message: err.Error()}
	}
	p := res.Progress
	return ending{outcome: res.Outcome, reason: res.Reason, message: res.Message, progress: &p,
		replaced: len(res.Replaced), restored: len(res.Restored)}
}

// summary is the ending for events and logs.
func (e ending) summary() string {
	s := e.outcome
	switch e.outcome {
	case contract.RebalanceCompleted:
		s += fmt.Sprintf(": %d nodes replaced", e.replaced)
	case contract.RebalanceRolledBack, contract.RebalanceCancelled:
		s += fmt.Sprintf(" (%s): %d nodes replaced kept, %d restored", e.reason, e.replaced, e.restored)
	}
	if e.progress != nil && e.progress.SavingsMonthly != 0 {
		s += fmt.Sprintf(", saving %.2f/month", e.progress.SavingsMonthly)
	}
	if e.message != "" {
		s += ": " + e.message
	}
	return s
}
