package logging

import (
	"io"
	"log/slog"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

// NewLogger returns a logger writing cfg.Format (JSON unless "text") lines at cfg.Level and above to w. A line
// written in a traced context (the slog *Context methods) carries its trace_id and span_id.
func NewLogger(cfg config.LoggingConfig, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: Level(cfg.Level)}
	if cfg.Format == config.LogFormatText {
		return slog.New(traceHandler{slog.NewTextHandler(w, opts)})
	}
	return slog.New(traceHandler{slog.NewJSONHandler(w, opts)})
}

// Level maps a configured level to slog's; an unknown level (rejected by config.Validate) means info.
func Level(l config.LogLevel) slog.Level {
	switch l {
	case config.LogLevelDebug:
		return slog.LevelDebug
	case config.LogLevelWarn:
		return slog.LevelWarn
	case config.LogLevelError:
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}
