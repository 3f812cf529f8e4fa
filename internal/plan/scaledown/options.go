package scaledown

import (
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// Options tune the planner. The zero value drains one node per group at a time and treats a
// node as empty with no delay beyond the store's verdict.
type Options struct {
	// MaxParallelDrains is how many drains one NodeGroup may have under way at once, those
	// already running included; zero means 1.
	MaxParallelDrains int32
	// EmptyNodeDelay is how long a node must have run nothing but DaemonSet and mirror pods
	// before it goes, instead of the stabilization window; the controller asks the store with
	// it (Utilization.Empty).
	EmptyNodeDelay time.Duration
	// BootAllowance is how long a new node is left alone after it was created: its ScaleUp
	// run waits that long for it to join and get Ready (the boot, join and ready timeouts),
	// so draining it sooner would race the run. Zero means no allowance beyond Ready.
	BootAllowance time.Duration
	// Simulation is the model of a node the simulation uses (max pods per node).
	Simulation schedsim.Options
}

// DefaultOptions drains one node per group at a time and empty nodes after two minutes.
func DefaultOptions() Options {
	return Options{MaxParallelDrains: 1, EmptyNodeDelay: 2 * time.Minute, Simulation: schedsim.DefaultOptions()}
}

func (o Options) maxParallel() int32 { return max(o.MaxParallelDrains, 1) }
