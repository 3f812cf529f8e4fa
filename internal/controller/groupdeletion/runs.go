package groupdeletion

import (
	"context"
	"errors"
	"fmt"
	"slices"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Temporal is the part of the Temporal client the controller uses: it finds the group's
// runs and cancels them.
type Temporal interface {
	DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error)
	ListWorkflow(ctx context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error)
	CancelWorkflow(ctx context.Context, workflowID, runID string) error
}

// runIDs are the workflow IDs that may run for the group: its rebalance (one deterministic
// ID), every ScaleUp Temporal lists under the group's ID prefix, and the ScaleUp of every
// batch its VPSieNodes name (a listing may lag a start by a moment). Sorted.
func (c *Controller) runIDs(ctx context.Context, ng *v1alpha1.NodeGroup, vns []*v1alpha1.VPSieNode) []string {
	ids := []string{contract.RebalanceWorkflowID(ng.Namespace, ng.Name)}
	for _, vn := range vns {
		if b := vn.Labels[v1alpha1.LabelBatch]; b != "" {
			ids = append(ids, contract.ScaleUpWorkflowID(ng.Namespace, ng.Name, b))
		}
	}
	listed, err := c.listScaleUps(ctx, ng)
	if err != nil {
		// A visibility store that cannot answer (an old server without STARTS_WITH) must
		// not hold the deletion forever: the batch labels still name every run that made a
		// VPSieNode, and scale-up starts none for a deleted group.
		log.FromContext(ctx).Error(err, "Listing the group's scale-up runs failed; going by its VPSieNodes' batches",
			"nodegroup", ng.Key().String())
	}
	ids = append(ids, listed...)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// listScaleUps lists the group's running ScaleUp runs: their IDs are
// scaleup/<namespace>/<group>/<batch> (a rebalance's own ScaleUps included).
func (c *Controller) listScaleUps(ctx context.Context, ng *v1alpha1.NodeGroup) ([]string, error) {
	query := fmt.Sprintf("WorkflowId STARTS_WITH '%s' AND ExecutionStatus = 'Running'",
		contract.ScaleUpWorkflowID(ng.Namespace, ng.Name, ""))
	var out []string
	var token []byte
	for {
		resp, err := c.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("listing the group's scale-up runs: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			out = append(out, e.GetExecution().GetWorkflowId())
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return out, nil
		}
	}
}

// running reports whether the run of id runs now.
func (c *Controller) running(ctx context.Context, id string) (bool, error) {
	resp, err := c.temporal.DescribeWorkflowExecution(ctx, id, "")
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("describing %s: %w", id, err)
	}
	return resp.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, nil
}

// cancelRuns asks Temporal to cancel every run of ids that runs and returns those. A
// cancelled ScaleUp compensates the nodes it was bringing up (their VPSieNodes are deleted,
// so their VPSs terminated); a cancelled Rebalance undoes its batch in progress.
func (c *Controller) cancelRuns(ctx context.Context, ids []string) ([]string, error) {
	var running []string
	for _, id := range ids {
		ok, err := c.running(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		running = append(running, id)
		var nf *serviceerror.NotFound
		if err := c.temporal.CancelWorkflow(ctx, id, ""); err != nil && !errors.As(err, &nf) {
			return nil, fmt.Errorf("cancelling %s: %w", id, err)
		}
	}
	return running, nil
}
