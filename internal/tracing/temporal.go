package tracing

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// temporalInterceptor is the SDK's OpenTelemetry interceptor: StartWorkflow, RunWorkflow, StartActivity and
// RunActivity spans, linked through the workflow and activity headers (W3C trace context and baggage). It keeps
// workflows deterministic (replay_test.go): a replay makes no activity span again, only RunWorkflow, which the SDK
// starts on every execution of the workflow function. Every span it starts also gets the
// decision's NodeGroup and operation, which travel as baggage, so each span of a trace can be found by NodeGroup.
func temporalInterceptor(t trace.Tracer) (interceptor.Interceptor, error) {
	ic, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer:      t,
		SpanStarter: startWithBaggage,
		// The status controllers query running workflows every few seconds: reads, not part of the operation.
		DisableQueryTracing: true,
	})
	if err != nil {
		return nil, fmt.Errorf("creating the Temporal tracing interceptor: %w", err)
	}
	return untracedSchedules{ic}, nil
}

// untracedSchedules is the SDK's interceptor except for CreateSchedule. A Schedule keeps the header it was created
// with and starts every run with it: traced, each orphan collection would be a child of the span of the process
// start that created the Schedule (one trace growing for ever). Untraced, each scheduled run is its own trace.
type untracedSchedules struct{ interceptor.Interceptor }

func (u untracedSchedules) InterceptClient(next interceptor.ClientOutboundInterceptor) interceptor.ClientOutboundInterceptor {
	return &scheduleBypass{ClientOutboundInterceptor: u.Interceptor.InterceptClient(next), next: next}
}

type scheduleBypass struct {
	interceptor.ClientOutboundInterceptor
	next interceptor.ClientOutboundInterceptor
}

func (s *scheduleBypass) CreateSchedule(ctx context.Context, in *interceptor.ScheduleClientCreateInput) (
	client.ScheduleHandle, error) {
	return s.next.CreateSchedule(ctx, in)
}

func startWithBaggage(ctx context.Context, t trace.Tracer, name string, opts ...trace.SpanStartOption) trace.Span {
	_, span := t.Start(ctx, name, append(opts, trace.WithAttributes(fromBaggage(baggage.FromContext(ctx))...))...)
	return span
}
