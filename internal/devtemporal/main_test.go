package devtemporal

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"testing"
)

// Environment variables that turn the test binary into a dev server process, so tests can
// kill a real server process and start another on the same database file.
const (
	childDBEnv   = "DEVTEMPORAL_TEST_CHILD_DB"
	childPortEnv = "DEVTEMPORAL_TEST_CHILD_PORT"
	readyMessage = "Temporal dev server ready"
)

func TestMain(m *testing.M) {
	if db := os.Getenv(childDBEnv); db != "" {
		os.Exit(runChild(db, os.Getenv(childPortEnv)))
	}
	os.Exit(m.Run())
}

// runChild serves like cmd/temporal-dev does and logs readyMessage on stdout.
func runChild(db, port string) int {
	p, err := strconv.Atoi(port)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad port:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err = Run(ctx, Options{
		DBFile:    db,
		Port:      p,
		DisableUI: true,
		Logger:    slog.New(slog.NewTextHandler(os.Stdout, nil)),
		LogLevel:  slog.LevelWarn,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dev server:", err)
		return 1
	}
	return 0
}
