// Command autoscaler runs the vpsie-autoscaler: the leader-elected controller
// and the Temporal worker. Configuration: defaults < --config file < VPSIE_*
// environment < flags; --help lists every setting, --version prints the
// version.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/goruntime"
	"github.com/vpsie/vpsie-autoscaler/internal/logging"
	"github.com/vpsie/vpsie-autoscaler/internal/operator"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3"
// (`make image`, the Dockerfile); a plain `go build` reports "dev".
var version = "dev"

func main() {
	if wantsVersion(os.Args[1:]) {
		fmt.Println("vpsie-autoscaler", version)
		os.Exit(0)
	}
	os.Exit(run(os.Args[1:], os.LookupEnv, os.Stderr))
}

// wantsVersion reports whether the command line asks for the version; it
// answers before the configuration is read, so it needs no config or cluster.
func wantsVersion(args []string) bool {
	for _, a := range args {
		if a == "--version" || a == "-version" {
			return true
		}
	}
	return false
}

// run returns the exit code: 0 after a clean stop or --help, 2 for invalid
// configuration (nothing was started), 1 for a failure while running.
func run(args []string, lookupEnv func(string) (string, bool), stderr io.Writer) int {
	cfg, err := config.Load(args, lookupEnv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "invalid configuration:\n%v\n", err)
		return 2
	}
	log := logging.NewLogger(cfg.Logging, stderr)
	ctrl.SetLogger(logr.FromSlogHandler(log.Handler()))
	log.Info("vpsie-autoscaler", "version", version)
	if src := goruntime.ApplyGCPercent(cfg.Runtime, lookupEnv); src == goruntime.SourceEnv {
		log.Info("GOGC is set; runtime.gcPercent is ignored", "gcPercent", cfg.Runtime.GCPercent)
	}
	if err := operator.Run(ctrl.SetupSignalHandler(), cfg, log, version); err != nil {
		log.Error("autoscaler stopped", "error", err)
		return 1
	}
	log.Info("autoscaler stopped cleanly")
	return 0
}
