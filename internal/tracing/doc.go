// Package tracing builds the process's OpenTelemetry tracing: an OTLP/gRPC exporter, the Temporal tracing
// interceptor (go.temporal.io/sdk/contrib/opentelemetry) that carries a span from the client's StartWorkflow into
// the workflow and its activities, and the decision span the controller opens around each start. The result is one
// trace per node operation. Disabled, it is a no-op tracer provider and no interceptor at all.
package tracing
