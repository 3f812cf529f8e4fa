// Command autoscaler runs the vpsie-autoscaler: the leader-elected controller
// and the Temporal worker. Configuration: defaults < --config file < VPSIE_*
// environment < flags; --help lists every setting.
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
	"github.com/vpsie/vpsie-autoscaler/internal/logging"
	"github.com/vpsie/vpsie-autoscaler/internal/operator"
)

func main() {
	os.Exit(run(os.Args[1:], os.LookupEnv, os.Stderr))
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
	if err := operator.Run(ctrl.SetupSignalHandler(), cfg, log); err != nil {
		log.Error("autoscaler stopped", "error", err)
		return 1
	}
	log.Info("autoscaler stopped cleanly")
	return 0
}
