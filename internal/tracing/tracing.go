package tracing

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	"go.temporal.io/sdk/interceptor"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

// ServiceName is the service.name of every span the autoscaler exports.
const ServiceName = "vpsie-autoscaler"

// instrumentation names the tracers, so a backend can tell the controller's spans from the SDK interceptor's.
const (
	controllerScope = "github.com/vpsie/vpsie-autoscaler/controller"
	temporalScope   = "github.com/vpsie/vpsie-autoscaler/temporal"
)

// Options say where traces go and what the process is.
type Options struct {
	Config config.TracingConfig
	// Cluster is controller.clusterName, exported as the resource attribute k8s.cluster.name.
	Cluster string
	// Version is the autoscaler's build version (service.version).
	Version string
}

// Tracing is the process's tracer provider and, when enabled, its Temporal interceptor.
type Tracing struct {
	provider    trace.TracerProvider
	interceptor interceptor.Interceptor
	shutdown    func(context.Context) error
}

// Disabled traces nothing: a no-op provider and no interceptor, so a disabled process pays nothing per operation.
func Disabled() *Tracing {
	return &Tracing{provider: noop.NewTracerProvider(), shutdown: func(context.Context) error { return nil }}
}

// New builds the exporter when o.Config.Enabled, else returns Disabled(). The exporter connects lazily: a collector
// that is down loses spans (logged by the SDK), never an operation.
func New(ctx context.Context, o Options) (*Tracing, error) {
	if !o.Config.Enabled {
		return Disabled(), nil
	}
	opts := []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(o.Config.Endpoint)}
	if o.Config.Insecure {
		opts = append(opts, otlptracegrpc.WithInsecure())
	}
	exp, err := otlptracegrpc.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the OTLP trace exporter for %s: %w", o.Config.Endpoint, err)
	}
	return WithExporter(exp, o)
}

// WithExporter builds an enabled Tracing that sends its spans to exp in batches.
func WithExporter(exp sdktrace.SpanExporter, o Options) (*Tracing, error) {
	res := resource.NewSchemaless(
		attribute.String("service.name", ServiceName),
		attribute.String("service.version", o.Version),
		attribute.String("k8s.cluster.name", o.Cluster),
	)
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res),
		sdktrace.WithSampler(sampler(o.Config.SamplePercent)))
	ic, err := temporalInterceptor(tp.Tracer(temporalScope))
	if err != nil {
		return nil, errors.Join(err, tp.Shutdown(context.Background()))
	}
	return &Tracing{provider: tp, interceptor: ic, shutdown: tp.Shutdown}, nil
}

// sampler decides once, at the decision span; the workflow's and activities' spans follow their parent, so a trace
// is kept or dropped whole.
func sampler(percent int) sdktrace.Sampler {
	if percent >= 100 {
		return sdktrace.ParentBased(sdktrace.AlwaysSample())
	}
	return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(float64(percent) / 100))
}

// Provider is the tracer provider the controller's decision spans come from.
func (t *Tracing) Provider() trace.TracerProvider { return t.provider }

// TemporalInterceptors go into the Temporal client's options; the SDK also applies them to every worker built
// from that client (workflow and activity spans). Nil when disabled.
func (t *Tracing) TemporalInterceptors() []interceptor.ClientInterceptor {
	if t.interceptor == nil {
		return nil
	}
	return []interceptor.ClientInterceptor{t.interceptor}
}

// Shutdown flushes the spans still buffered; call it after the worker stopped, so its last spans are sent.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if err := t.shutdown(ctx); err != nil {
		return fmt.Errorf("flushing traces: %w", err)
	}
	return nil
}
