package tracing_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.temporal.io/sdk/activity"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/logging"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/internal/tracing"
)

func loggingWorkflow(ctx workflow.Context) error {
	workflow.GetLogger(ctx).Info("workflow line", "nodegroup", "team-a/web")
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	return workflow.ExecuteActivity(ctx, loggingActivity).Get(ctx, nil)
}

func loggingActivity(ctx context.Context) error {
	activity.GetLogger(ctx).Info("activity line", "vps", "42")
	return nil
}

// A workflow's and its activity's log lines, written through Temporal's loggers, carry the
// trace_id of the decision that started the workflow, and span IDs of their own.
func TestWorkflowAndActivityLogLinesCarryTheDecisionsTrace(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	tr, err := tracing.WithExporter(tracetest.NewInMemoryExporter(), tracing.Options{
		Config: config.TracingConfig{Enabled: true, Endpoint: "collector:4317", SamplePercent: 100}})
	if err != nil {
		t.Fatal(err)
	}
	// A file: the worker's goroutines write it while the test runs, and os.File writes are safe for that.
	out, err := os.Create(filepath.Join(t.TempDir(), "log.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = out.Close() }()
	log := logging.NewLogger(config.LoggingConfig{Level: config.LogLevelInfo, Format: config.LogFormatJSON}, out)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, err := temporalclient.Dial(ctx, temporalclient.Options{Address: ts.GetFrontendHostPort(),
		Namespace: ts.GetDefaultNamespace(), Interceptors: tr.TemporalInterceptors(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := worker.New(c, "logs", worker.Options{})
	w.RegisterWorkflow(loggingWorkflow)
	w.RegisterActivity(loggingActivity)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	dctx, span := tracing.StartDecision(ctx, tr.Provider(), tracing.Decision{NodeGroup: "team-a/web",
		Operation: "ScaleUp", WorkflowID: "logs/1", Workflow: "loggingWorkflow"})
	log.InfoContext(dctx, "decision line")
	run, err := c.ExecuteWorkflow(dctx, sdkclient.StartWorkflowOptions{ID: "logs/1", TaskQueue: "logs"}, loggingWorkflow)
	tracing.EndDecision(span, err, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	want := span.SpanContext().TraceID().String()
	data, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	spans := map[string]string{}
	for _, l := range lines {
		var line map[string]any
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		msg, _ := line["msg"].(string)
		if msg != "decision line" && msg != "workflow line" && msg != "activity line" {
			continue
		}
		if line[logging.KeyTraceID] != want {
			t.Errorf("%s: trace_id %v, want the decision's %s: %v", msg, line[logging.KeyTraceID], want, line)
		}
		spans[msg], _ = line[logging.KeySpanID].(string)
	}
	if len(spans) != 3 {
		t.Fatalf("lines found %v, want the decision's, the workflow's and the activity's:\n%s", spans, string(data))
	}
	if spans["decision line"] == spans["workflow line"] || spans["workflow line"] == spans["activity line"] || spans["workflow line"] == "" {
		t.Errorf("span IDs %v, want one of each line's own span", spans)
	}
}
