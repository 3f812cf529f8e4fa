package workflows_test

import (
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/vpsie/vpsie-autoscaler/workflows"
)

// Histories recorded from a real server (see test/integration, flag -update-ping-history).
// Replaying them proves today's workflow code still makes the same decisions as the code
// that wrote them; a change that fails here needs workflow.GetVersion, not a new file.
var recordedHistories = []string{
	"testdata/ping_history_v1.json",
	"testdata/terminate_history_v1.json", // before ownership tags and the VPSieNode UID
	"testdata/terminate_history_v2.json", // ownership as a list of required tags
	"testdata/terminate_history_v3.json",
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
