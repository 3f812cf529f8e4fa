package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"
	sdklog "go.temporal.io/sdk/log"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

var (
	traceID = trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	spanID  = trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}
)

func traced() context.Context {
	return trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: traceID, SpanID: spanID, TraceFlags: trace.FlagsSampled}))
}

// jsonLines logs through a JSON logger of the product and returns its lines decoded.
func jsonLines(t *testing.T, write func(*slog.Logger)) []map[string]any {
	t.Helper()
	var buf bytes.Buffer
	write(NewLogger(config.LoggingConfig{Level: config.LogLevelInfo, Format: config.LogFormatJSON}, &buf))
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestALineLoggedInATracedContextCarriesItsTraceAndSpan(t *testing.T) {
	tests := []struct {
		name      string
		write     func(*slog.Logger)
		wantTrace bool
	}{
		{"in a traced context", func(l *slog.Logger) { l.InfoContext(traced(), "started", "nodegroup", "ns/web") }, true},
		{"through a derived logger", func(l *slog.Logger) { l.With("vps", "42").WarnContext(traced(), "slow") }, true},
		{"without a span", func(l *slog.Logger) { l.InfoContext(context.Background(), "started") }, false},
		{"without a context", func(l *slog.Logger) { l.Info("started") }, false},
		{"in a context whose span is not valid", func(l *slog.Logger) {
			l.InfoContext(trace.ContextWithSpanContext(context.Background(), trace.SpanContext{}), "started")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := jsonLines(t, tt.write)[0]
			_, has := line["trace_id"]
			if has != tt.wantTrace {
				t.Fatalf("trace_id present = %v, want %v: %v", has, tt.wantTrace, line)
			}
			if tt.wantTrace && (line["trace_id"] != traceID.String() || line["span_id"] != spanID.String()) {
				t.Errorf("trace_id %v span_id %v, want %s and %s", line["trace_id"], line["span_id"], traceID, spanID)
			}
		})
	}
}

// The Temporal SDK's OpenTelemetry interceptor adds the workflow's and activity's span to their
// loggers as TraceID and SpanID: they come out as trace_id and span_id like every other line's.
func TestTemporalsTraceAttributesAreNamedLikeEveryLines(t *testing.T) {
	lines := jsonLines(t, func(l *slog.Logger) {
		sdklog.With(sdklog.NewStructuredLogger(l), "TraceID", traceID, "SpanID", spanID).Info("activity", "vps", "42")
	})
	line := lines[0]
	if line["trace_id"] != traceID.String() || line["span_id"] != spanID.String() {
		t.Errorf("trace_id %v span_id %v, want %s and %s: %v", line["trace_id"], line["span_id"], traceID, spanID, line)
	}
	if _, ok := line["TraceID"]; ok {
		t.Errorf("the SDK's TraceID key is still there: %v", line)
	}
}
