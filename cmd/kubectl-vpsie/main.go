// Command kubectl-vpsie is the kubectl plugin of the VPSie autoscaler: `kubectl vpsie`.
// See docs/operations/kubectl-vpsie.md.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/vpsie/vpsie-autoscaler/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, cli.NewApp(os.Stdin, os.Stdout, os.Stderr), os.Args[1:])
	stop()
	os.Exit(code)
}
