package tracing

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Span attributes. They name what an operator searches by; never a secret, an input or user data.
const (
	// AttrNodeGroup is the NodeGroup as "namespace/name", on every span of an operation.
	AttrNodeGroup = attribute.Key("vpsie.nodegroup")
	// AttrOperation is the operation kind (contract.Operation*), on every span of an operation.
	AttrOperation = attribute.Key("vpsie.operation")
	// AttrReason is the planner's typed reason for the decision (its stable name).
	AttrReason = attribute.Key("vpsie.reason")
	// AttrWorkflowID is the Temporal workflow ID. The name is the one the Temporal SDK's interceptor puts on its
	// own spans, so one query finds the decision and every workflow and activity span of a run.
	AttrWorkflowID = attribute.Key("temporalWorkflowID")
	// AttrWorkflowType is the workflow's registered name.
	AttrWorkflowType = attribute.Key("temporalWorkflowType")
)

// carried are the attributes that travel as baggage from the decision to every span of its workflow.
var carried = []attribute.Key{AttrNodeGroup, AttrOperation}

// Decision is what the controller decided to start.
type Decision struct {
	NodeGroup  string
	Operation  string
	Reason     string
	WorkflowID string
	Workflow   string
}

// StartDecision opens the root span of one operation: always a new trace, so each operation is one trace even when
// one pass starts several. The returned context carries the span (the Temporal client interceptor makes
// StartWorkflow its child) and the NodeGroup and operation as baggage. End the span with EndDecision.
func StartDecision(ctx context.Context, tp trace.TracerProvider, d Decision) (context.Context, trace.Span) {
	attrs := []attribute.KeyValue{AttrWorkflowID.String(d.WorkflowID), AttrWorkflowType.String(d.Workflow)}
	for _, kv := range []attribute.KeyValue{AttrNodeGroup.String(d.NodeGroup), AttrOperation.String(d.Operation),
		AttrReason.String(d.Reason)} {
		if kv.Value.AsString() != "" {
			attrs = append(attrs, kv)
		}
	}
	ctx, span := tp.Tracer(controllerScope).Start(ctx, "Decide:"+d.Workflow, trace.WithNewRoot(),
		trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	if !span.SpanContext().IsValid() {
		return ctx, span // tracing is off: no baggage either
	}
	return baggage.ContextWithBaggage(ctx, toBaggage(baggage.FromContext(ctx), attrs)), span
}

// EndDecision records the start's outcome: an error that is the expected answer (for example a run that already
// ran) is an attribute, not a failed span.
func EndDecision(span trace.Span, err error, expected bool) {
	switch {
	case err != nil && expected:
		span.SetAttributes(attribute.String("vpsie.outcome", err.Error()))
	case err != nil:
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

func toBaggage(b baggage.Baggage, attrs []attribute.KeyValue) baggage.Baggage {
	for _, kv := range attrs {
		if !isCarried(kv.Key) {
			continue
		}
		m, err := baggage.NewMemberRaw(string(kv.Key), kv.Value.AsString())
		if err != nil {
			continue // a value baggage cannot carry stays on the decision span only
		}
		if nb, err := b.SetMember(m); err == nil {
			b = nb
		}
	}
	return b
}

func fromBaggage(b baggage.Baggage) []attribute.KeyValue {
	var out []attribute.KeyValue
	for _, k := range carried {
		if v := b.Member(string(k)).Value(); v != "" {
			out = append(out, k.String(v))
		}
	}
	return out
}

func isCarried(k attribute.Key) bool {
	for _, c := range carried {
		if c == k {
			return true
		}
	}
	return false
}
