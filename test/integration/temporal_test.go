package integration

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalworker"
	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Regenerate the replay fixture with:
//
//	go test ./test/integration -run TestTemporalPing -update-ping-history
//
// Only do so for a new workflow version; the old file must keep replaying.
var updatePingHistory = flag.Bool("update-ping-history", false,
	"record the Ping workflow history into workflows/testdata/ping_history_v1.json")

const pingHistoryFile = "../../workflows/testdata/ping_history_v1.json"

// TestTemporalPing runs the Ping workflow through the production wiring (temporalclient,
// temporalworker.Register, activities) against a real in-process Temporal server.
func TestTemporalPing(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ts := temporaltest.NewServer(temporaltest.WithT(t))

	c, err := temporalclient.Dial(ctx, temporalclient.Options{
		Address:   ts.GetFrontendHostPort(),
		Namespace: ts.GetDefaultNamespace(),
		Identity:  "integration-worker",
	})
	if err != nil {
		t.Fatalf("dialing: %v", err)
	}
	defer c.Close()
	runTemporalWorker(t, temporalworker.New(c, temporalworker.Options{TaskQueue: "ping", Identity: "integration-worker"}, activities.Set{}))

	got, err := temporalworker.Ping(ctx, c, "ping", "ping-history-v1", "hello")
	if err != nil {
		t.Fatal(err)
	}
	if want := (contract.PingResult{Message: "hello", Identity: "integration-worker"}); got != want {
		t.Errorf("result = %+v, want %+v", got, want)
	}

	checkTemporalHistory(ctx, t, c, "ping-history-v1", "", *updatePingHistory, pingHistoryFile)
}

// checkTemporalHistory replays a run's fresh history against today's
// workflow code and, when update is set, records it as a replay fixture.
func checkTemporalHistory(ctx context.Context, t *testing.T, c client.Client, id, runID string, update bool, file string) {
	t.Helper()
	history := fetchTemporalHistory(ctx, t, c, id, runID)
	replayer := worker.NewWorkflowReplayer()
	workflows.Register(replayer)
	if err := replayer.ReplayWorkflowHistory(nil, history); err != nil {
		t.Errorf("replaying the fresh history of %s: %v", id, err)
	}
	if update {
		writeTemporalHistory(t, file, history)
	}
}

func fetchTemporalHistory(ctx context.Context, t *testing.T, c client.Client, id, runID string) *historypb.History {
	t.Helper()
	history := &historypb.History{}
	iter := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		event, err := iter.Next()
		if err != nil {
			t.Fatalf("reading history: %v", err)
		}
		history.Events = append(history.Events, event)
	}
	return history
}

// writeTemporalHistory uses the same JSON encoding as `temporal workflow show --output json` and
// the Web UI's download, so fixtures from any of them are interchangeable.
func writeTemporalHistory(t *testing.T, path string, history *historypb.History) {
	t.Helper()
	data, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(history)
	if err != nil {
		t.Fatalf("encoding history: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
	t.Logf("wrote %s (%d events)", path, len(history.Events))
}

// runTemporalWorker runs w as the manager would and stops it when the test ends.
func runTemporalWorker(t *testing.T, w *temporalworker.Worker) {
	t.Helper()
	runUntilCleanup(t, "worker", w.Start)
}
