package temporalworker

import (
	"go.temporal.io/sdk/worker"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/workflows"
)

// Register registers every workflow and activity the autoscaler runs. Production workers,
// integration tests and the replayer-adjacent tests all call it, so what is tested is
// exactly what is deployed.
func Register(r worker.Registry, deps activities.Set) {
	workflows.Register(r)
	activities.Register(r, deps)
}
