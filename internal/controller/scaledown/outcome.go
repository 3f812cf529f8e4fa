package scaledown

import (
	"fmt"
	"time"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// resultFailed is the result of a drain whose workflow ended in an error (it compensated
// before it failed, or was terminated).
const resultFailed = "Failed"

// outcome is a finished drain as the controller reports it.
type outcome struct {
	// result labels scale_down_total and node_drain_duration_seconds: the workflow's
	// outcome (Deleted, Compensated, DeletePending) or Failed.
	result string
	// deleted: the node is gone or going (its VPSieNode was deleted).
	deleted bool
	evicted int
	summary string
}

func outcomeOf(res contract.DrainAndDeleteResult, err error) outcome {
	if err != nil {
		return outcome{result: resultFailed, evicted: res.Evicted, summary: "drain failed: " + err.Error()}
	}
	o := outcome{result: res.Outcome, evicted: res.Evicted,
		deleted: res.Outcome == contract.DrainDeleted || res.Outcome == contract.DrainDeletePending}
	o.summary = fmt.Sprintf("%s, %d pods evicted", res.Outcome, res.Evicted)
	if res.Reason != "" {
		o.summary += fmt.Sprintf(", %d left (%s: %s)", res.Remaining, res.Reason, res.Message)
	}
	return o
}

// drainEnded records one drain's outcome; terminated is zero when the termination's
// start was not seen.
func (m *Metrics) drainEnded(group, namespace string, o outcome, took, terminated time.Duration) {
	m.scaleDowns.WithLabelValues(group, namespace, o.result).Inc()
	if o.result == resultFailed {
		m.workflows.Failed(contract.DrainAndDeleteWorkflow, namespace, group)
	}
	m.drainTime.WithLabelValues(group, namespace, o.result).Observe(took.Seconds())
	m.evicted.WithLabelValues(group, namespace).Observe(float64(o.evicted))
	if terminated > 0 {
		m.termination.Observe(terminated.Seconds())
	}
}
