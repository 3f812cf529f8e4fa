package tracing_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/tracing"
	"github.com/vpsie/vpsie-autoscaler/workflows"
)

// The tracing interceptor runs inside workflow code, so it must keep it deterministic: every recorded history
// replays with it. A replay repeats no activity, timer or signal span; only the RunWorkflow span is made again (the
// SDK starts it at the run's start time on every execution of the workflow function), which the docs say.
func TestTemporalReplayWithTheTracingInterceptor(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tr, err := tracing.WithExporter(exp, tracing.Options{
		Config: config.TracingConfig{Enabled: true, Endpoint: "collector:4317", SamplePercent: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var wi []interceptor.WorkerInterceptor
	for _, ic := range tr.TemporalInterceptors() {
		wi = append(wi, ic.(interceptor.WorkerInterceptor))
	}
	histories, err := filepath.Glob(filepath.Join("..", "..", "workflows", "testdata", "*_history_v1.json"))
	if err != nil || len(histories) == 0 {
		t.Fatalf("no recorded histories: %v", err)
	}
	for _, file := range histories {
		t.Run(filepath.Base(file), func(t *testing.T) {
			replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{Interceptors: wi})
			if err != nil {
				t.Fatal(err)
			}
			workflows.Register(replayer)
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, file); err != nil {
				t.Fatalf("replaying %s with tracing: %v", file, err)
			}
		})
	}
	if err := tr.Provider().(*sdktrace.TracerProvider).ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, s := range exp.GetSpans() {
		if !strings.HasPrefix(s.Name, "RunWorkflow:") {
			t.Errorf("a replay made span %s", s.Name)
		}
	}
}
