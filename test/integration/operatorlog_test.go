package integration

import (
	"bytes"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
)

// operatorLogLines is how many of an in-process operator's last log lines a failed test prints.
const operatorLogLines = 300

// operatorLogLevel is the in-process operators' log level: info, or debug with
// IT_OPERATOR_LOG=debug (every activity's start and end, to see where a slow run's time went).
func operatorLogLevel() slog.Level {
	if os.Getenv("IT_OPERATOR_LOG") == "debug" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// tailLog keeps the last lines an in-process operator logged. Its log is otherwise discarded
// (it would drown the passing tests' output), but a test that failed prints it, so that a
// failure seen only in CI says what the operator was doing.
type tailLog struct {
	mu      sync.Mutex
	lines   []string
	partial []byte
}

func (l *tailLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	if over := len(l.lines) - operatorLogLines; over > 0 {
		l.lines = append(l.lines[:0], l.lines[over:]...)
	}
	return len(p), nil
}

// printOnFailure has t print the kept lines when it failed, before the cleanups registered
// earlier (the operator's stop among them) run.
func (l *tailLog) printOnFailure(t *testing.T, who string) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		t.Logf("%s's last %d log lines:\n%s", who, len(l.lines), strings.Join(l.lines, "\n"))
	})
}
