package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Registry is the workflow half of worker.Registry. Declaring it here keeps the worker
// package out of workflows/ while workers, replayers and test environments all satisfy it.
type Registry interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
}

// Register registers every workflow under its contract name. It is the only list of
// workflows: the production worker, the replayer and the tests all go through it.
func Register(r Registry) {
	r.RegisterWorkflowWithOptions(Ping, workflow.RegisterOptions{Name: contract.PingWorkflow})
	r.RegisterWorkflowWithOptions(TerminateVPSieNode, workflow.RegisterOptions{Name: contract.TerminateVPSieNodeWorkflow})
	r.RegisterWorkflowWithOptions(ScaleUp, workflow.RegisterOptions{Name: contract.ScaleUpWorkflow})
	r.RegisterWorkflowWithOptions(Catalogue, workflow.RegisterOptions{Name: contract.CatalogueWorkflow})
	r.RegisterWorkflowWithOptions(DrainAndDelete, workflow.RegisterOptions{Name: contract.DrainAndDeleteWorkflow})
	r.RegisterWorkflowWithOptions(Rebalance, workflow.RegisterOptions{Name: contract.RebalanceWorkflow})
	r.RegisterWorkflowWithOptions(CollectOrphans, workflow.RegisterOptions{Name: contract.CollectOrphansWorkflow})
}
