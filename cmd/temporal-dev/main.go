// Command temporal-dev runs a local Temporal server with SQLite persistence and the Web
// UI, for the autoscaler's local mode. Production uses an external Temporal cluster.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/vpsie/vpsie-autoscaler/internal/devtemporal"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	opts, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	opts.Logger = logger

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := devtemporal.Run(ctx, opts); err != nil {
		logger.Error("Temporal dev server failed", "error", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (devtemporal.Options, error) {
	fs := flag.NewFlagSet("temporal-dev", flag.ContinueOnError)
	var (
		o         devtemporal.Options
		uiPort    int
		logLevel  string
		namespace []string
	)
	fs.StringVar(&o.DBFile, "db-file", devtemporal.DefaultDBFile,
		`SQLite file holding all workflows; created if missing ("`+devtemporal.MemoryDB+`" keeps state in memory)`)
	fs.StringVar(&o.IP, "ip", devtemporal.DefaultIP, "IP address the frontend and the Web UI bind to")
	fs.IntVar(&o.Port, "port", devtemporal.DefaultPort, "frontend gRPC port (0 picks a free port)")
	fs.IntVar(&uiPort, "ui-port", devtemporal.DefaultUIPort, "Web UI port (0 disables the UI)")
	fs.Func("namespace", `namespace to register, repeatable (default "`+devtemporal.DefaultNamespace+`")`,
		func(v string) error {
			namespace = append(namespace, v)
			return nil
		})
	fs.StringVar(&logLevel, "log-level", "warn", "minimum level of the server's own logs: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := o.LogLevel.UnmarshalText([]byte(logLevel)); err != nil {
		return o, fmt.Errorf("--log-level: %w", err)
	}
	o.UIPort, o.DisableUI = uiPort, uiPort == 0
	o.Namespaces = namespace
	return o, nil
}
