package workflows_test

import (
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/vpsie/vpsie-autoscaler/workflows"
)

// Histories recorded from a real server (see test/integration, flags -update-ping-history,
// -update-terminate-history, -update-scaleup-history and -update-drain-history). Replaying
// them proves today's workflow code still makes the same decisions as the code that wrote
// them; a change that fails here needs workflow.GetVersion. Until the first release,
// histories are re-recorded instead: no compatibility paths for runs that never existed
// (docs/development/testing.md).
var recordedHistories = []string{
	"testdata/ping_history_v1.json",
	"testdata/terminate_history_v1.json",
	"testdata/scaleup_history_v1.json",
	"testdata/drain_history_v1.json",
	"testdata/drain_compensated_history_v1.json",
	"testdata/rebalance_rollback_history_v1.json", // -update-rebalance-history
}

func TestTemporalReplayOfRecordedHistories(t *testing.T) {
	for _, file := range recordedHistories {
		t.Run(file, func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			workflows.Register(replayer)
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, file); err != nil {
				t.Fatalf("replaying %s: %v", file, err)
			}
		})
	}
}
