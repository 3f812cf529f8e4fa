package workflowstart_test

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"

	"github.com/vpsie/vpsie-autoscaler/internal/tracing"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// spanCapturingClient records the span the start was made under; the Temporal client's tracing interceptor makes
// its StartWorkflow span a child of exactly that span.
type spanCapturingClient struct {
	workflowstart.Client
	under trace.SpanContext
}

func (c *spanCapturingClient) ExecuteWorkflow(ctx context.Context, _ sdkclient.StartWorkflowOptions, _ any,
	_ ...any) (sdkclient.WorkflowRun, error) {
	c.under = trace.SpanContextFromContext(ctx)
	return nil, nil
}

func (c *spanCapturingClient) DescribeWorkflowExecution(context.Context, string, string) (
	*workflowservice.DescribeWorkflowExecutionResponse, error) {
	return nil, nil
}

func TestStartIsMadeUnderTheDecisionSpan(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	c := &spanCapturingClient{}
	s := workflowstart.New(c, "q").WithTracing(tp)
	_, err := s.StartOrAttach(context.Background(), workflowstart.Spec{ID: "scaleup/ns/web/b1", Workflow: "ScaleUp",
		NodeGroup: "ns/web", Operation: "ScaleUp", Reason: "PendingPods"})
	if err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	if len(spans) != 1 || spans[0].Name != "Decide:ScaleUp" {
		t.Fatalf("spans = %v, want one Decide:ScaleUp", spans)
	}
	if c.under.SpanID() != spans[0].SpanContext.SpanID() {
		t.Errorf("started under span %s, want the decision %s", c.under.SpanID(), spans[0].SpanContext.SpanID())
	}
	attrs := map[string]string{}
	for _, kv := range spans[0].Attributes {
		attrs[string(kv.Key)] = kv.Value.AsString()
	}
	if attrs[string(tracing.AttrWorkflowID)] != "scaleup/ns/web/b1" || attrs[string(tracing.AttrNodeGroup)] != "ns/web" ||
		attrs[string(tracing.AttrReason)] != "PendingPods" {
		t.Errorf("decision attributes = %v", attrs)
	}
}

func TestStartWithoutTracingMakesNoSpan(t *testing.T) {
	c := &spanCapturingClient{}
	if _, err := workflowstart.New(c, "q").StartOrAttach(context.Background(), workflowstart.Spec{ID: "x", Workflow: "W"}); err != nil {
		t.Fatal(err)
	}
	if c.under.IsValid() {
		t.Errorf("a starter without tracing started under span %s", c.under.SpanID())
	}
}
