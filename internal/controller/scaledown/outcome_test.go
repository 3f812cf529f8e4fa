package scaledown

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestDrainOutcomesLabelTheMetrics(t *testing.T) {
	for _, tc := range []struct {
		name        string
		res         contract.DrainAndDeleteResult
		err         error
		terminated  time.Duration
		wantResult  string
		wantDeleted bool
		wantTerm    int
	}{
		{"a clean drain deletes the node", contract.DrainAndDeleteResult{Outcome: contract.DrainDeleted, Evicted: 3},
			nil, 4 * time.Second, contract.DrainDeleted, true, 1},
		{"a slow termination still deletes it", contract.DrainAndDeleteResult{Outcome: contract.DrainDeletePending, Evicted: 1},
			nil, 0, contract.DrainDeletePending, true, 0},
		{"a drain blocked by a PDB is undone", contract.DrainAndDeleteResult{Outcome: contract.DrainCompensated,
			Reason: contract.DrainReasonTimeout, Message: "PDB web", Remaining: 1}, nil, 0, contract.DrainCompensated, false, 0},
		{"a workflow error counts as failed", contract.DrainAndDeleteResult{Outcome: contract.DrainCompensated},
			errors.New("activity failed"), 0, resultFailed, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m, err := NewMetrics(reg)
			if err != nil {
				t.Fatal(err)
			}
			o := outcomeOf(tc.res, tc.err)
			if o.result != tc.wantResult || o.deleted != tc.wantDeleted {
				t.Fatalf("outcome = %s deleted=%v, want %s deleted=%v", o.result, o.deleted, tc.wantResult, tc.wantDeleted)
			}
			m.drainEnded("g", "ns", o, 30*time.Second, tc.terminated)
			if got := counter(t, reg, "vpsie_autoscaler_scale_down_total", "result", tc.wantResult); got != 1 {
				t.Errorf("scale_down_total{result=%s} = %v, want 1", tc.wantResult, got)
			}
			wantFailures := 0.0
			if tc.wantResult == resultFailed {
				wantFailures = 1
			}
			if got := counter(t, reg, "vpsie_autoscaler_workflow_failures_total", "workflow_type", contract.DrainAndDeleteWorkflow); got != wantFailures {
				t.Errorf("workflow_failures_total{workflow_type=DrainAndDelete} = %v, want %v", got, wantFailures)
			}
			if n, sum := histogram(t, reg, "vpsie_autoscaler_node_drain_duration_seconds"); n != 1 || sum != 30 {
				t.Errorf("node_drain_duration_seconds = %d samples summing %v, want 1 of 30", n, sum)
			}
			if n, _ := histogram(t, reg, "vpsie_autoscaler_node_termination_duration_seconds"); n != uint64(tc.wantTerm) {
				t.Errorf("node_termination_duration_seconds has %d samples, want %d", n, tc.wantTerm)
			}
			if n, sum := histogram(t, reg, "vpsie_autoscaler_node_drain_pods_evicted"); n != 1 || sum != float64(tc.res.Evicted) {
				t.Errorf("node_drain_pods_evicted = %d samples summing %v, want 1 of %d", n, sum, tc.res.Evicted)
			}
		})
	}
}
