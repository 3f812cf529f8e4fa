package tracing

import (
	"context"
	"errors"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

var decision = Decision{NodeGroup: "team-a/web", Operation: "ScaleUp", Reason: "PendingPods",
	WorkflowID: "scaleup/team-a/web/b1", Workflow: "ScaleUp"}

func enabled(t *testing.T, percent int) (*Tracing, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tr, err := WithExporter(exp, Options{Cluster: "prod", Version: "v1", Config: config.TracingConfig{
		Enabled: true, Endpoint: "collector:4317", SamplePercent: percent}})
	if err != nil {
		t.Fatal(err)
	}
	return tr, exp
}

// flush exports the batch; Shutdown would also clear the in-memory exporter.
func flush(t *testing.T, tr *Tracing) {
	t.Helper()
	if err := tr.Provider().(*sdktrace.TracerProvider).ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestDisabledHasNoInterceptorAndRecordsNothing(t *testing.T) {
	tr, err := New(context.Background(), Options{Config: config.Default().Tracing})
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.TemporalInterceptors(); got != nil {
		t.Errorf("interceptors = %v, want none", got)
	}
	ctx, span := StartDecision(context.Background(), tr.Provider(), decision)
	if span.IsRecording() || span.SpanContext().IsValid() {
		t.Error("a disabled tracer recorded the decision")
	}
	if baggage.FromContext(ctx).Len() != 0 {
		t.Error("a disabled tracer put baggage in the context")
	}
	EndDecision(span, nil, false)
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestEnabledBuildsAnExporterWithoutConnecting(t *testing.T) {
	// Nothing listens on the endpoint: the exporter connects lazily, so start-up never waits for a collector.
	tr, err := New(context.Background(), Options{Config: config.TracingConfig{Enabled: true,
		Endpoint: "127.0.0.1:1", Insecure: true, SamplePercent: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.TemporalInterceptors()) != 1 {
		t.Errorf("interceptors = %d, want the Temporal tracing interceptor", len(tr.TemporalInterceptors()))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a dead collector must not hold up the exit
	_ = tr.Shutdown(ctx)
}

func TestDecisionIsTheRootOfANewTraceWithItsAttributes(t *testing.T) {
	tr, exp := enabled(t, 100)
	tp := tr.Provider()
	outer, pass := tp.Tracer("test").Start(context.Background(), "pass")
	ctx, span := StartDecision(outer, tp, decision)
	EndDecision(span, nil, false)
	pass.End()
	flush(t, tr)
	got := exp.GetSpans()
	if len(got) != 2 {
		t.Fatalf("spans = %d, want 2", len(got))
	}
	d := got[0]
	if d.Name != "Decide:ScaleUp" || d.Parent.IsValid() || d.SpanContext.TraceID() == got[1].SpanContext.TraceID() {
		t.Errorf("decision %q parent %v: want the root of its own trace", d.Name, d.Parent)
	}
	want := map[attribute.Key]string{AttrNodeGroup: "team-a/web", AttrOperation: "ScaleUp", AttrReason: "PendingPods",
		AttrWorkflowID: "scaleup/team-a/web/b1", AttrWorkflowType: "ScaleUp"}
	for _, kv := range d.Attributes {
		if w, ok := want[kv.Key]; ok && kv.Value.AsString() == w {
			delete(want, kv.Key)
		}
	}
	if len(want) != 0 {
		t.Errorf("decision lacks %v (has %v)", want, d.Attributes)
	}
	b := baggage.FromContext(ctx)
	if b.Member(string(AttrNodeGroup)).Value() != "team-a/web" || b.Member(string(AttrOperation)).Value() != "ScaleUp" {
		t.Errorf("baggage = %s, want the NodeGroup and operation", b)
	}
	if b.Member(string(AttrReason)).Value() != "" {
		t.Errorf("baggage carries the reason: %s", b)
	}
	if res := d.Resource.String(); res == "" {
		t.Error("no resource")
	}
}

func TestDecisionOutcome(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		expected bool
		want     codes.Code
	}{
		{"started", nil, false, codes.Unset},
		{"already ran is an answer, not a failure", errors.New("workflow already ran"), true, codes.Unset},
		{"failed start", errors.New("temporal unavailable"), false, codes.Error},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, exp := enabled(t, 100)
			_, span := StartDecision(context.Background(), tr.Provider(), decision)
			EndDecision(span, tt.err, tt.expected)
			flush(t, tr)
			if got := exp.GetSpans()[0].Status.Code; got != tt.want {
				t.Errorf("status = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSamplePercentZeroDropsTheWholeTrace(t *testing.T) {
	tr, exp := enabled(t, 0)
	ctx, span := StartDecision(context.Background(), tr.Provider(), decision)
	_, child := tr.Provider().Tracer("temporal").Start(ctx, "StartWorkflow:ScaleUp")
	child.End()
	EndDecision(span, nil, false)
	flush(t, tr)
	if n := len(exp.GetSpans()); n != 0 {
		t.Errorf("exported %d spans at samplePercent 0", n)
	}
}

func TestInterceptorSpansCarryTheDecisionsBaggage(t *testing.T) {
	tr, exp := enabled(t, 100)
	ctx, span := StartDecision(context.Background(), tr.Provider(), decision)
	startWithBaggage(ctx, tr.Provider().Tracer(temporalScope), "RunWorkflow:ScaleUp").End()
	EndDecision(span, nil, false)
	flush(t, tr)
	var run sdktrace.ReadOnlySpan
	for _, s := range exp.GetSpans().Snapshots() {
		if s.Name() == "RunWorkflow:ScaleUp" {
			run = s
		}
	}
	if run == nil {
		t.Fatal("no RunWorkflow span")
	}
	got := map[attribute.Key]string{}
	for _, kv := range run.Attributes() {
		got[kv.Key] = kv.Value.AsString()
	}
	if got[AttrNodeGroup] != "team-a/web" || got[AttrOperation] != "ScaleUp" {
		t.Errorf("attributes = %v, want the decision's NodeGroup and operation", got)
	}
}
