package logging

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// The keys a traced line carries: the trace and span of the operation it was written in, so a
// log search and the trace backend meet on the same ID.
const (
	KeyTraceID = "trace_id"
	KeySpanID  = "span_id"
)

// temporalKeys are the keys the Temporal SDK's OpenTelemetry interceptor puts the workflow's
// and activity's span under on their loggers (their lines carry no context to read it from):
// renamed, so every traced line of one operation is found by the same key.
var temporalKeys = map[string]string{"TraceID": KeyTraceID, "SpanID": KeySpanID}

// traceHandler adds the span of a record's context as trace_id and span_id. A context without
// a valid span (tracing off, or a line written outside any operation) adds nothing.
type traceHandler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	rename := false
	r.Attrs(func(a slog.Attr) bool {
		_, rename = temporalKeys[a.Key]
		return !rename
	})
	if rename {
		renamed := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool {
			renamed.AddAttrs(renameTemporal(a))
			return true
		})
		r = renamed
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r = r.Clone()
		r.AddAttrs(slog.String(KeyTraceID, sc.TraceID().String()), slog.String(KeySpanID, sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler; the Temporal interceptor adds its keys this way (log.With).
func (h traceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = renameTemporal(a)
	}
	return traceHandler{h.Handler.WithAttrs(out)}
}

// WithGroup implements slog.Handler.
func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.Handler.WithGroup(name)}
}

func renameTemporal(a slog.Attr) slog.Attr {
	if key, ok := temporalKeys[a.Key]; ok {
		return slog.String(key, a.Value.String())
	}
	return a
}
