package rebalance

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Temporal is the part of the Temporal client the controller uses beyond starting runs:
// it finds a group's run, follows it, reads its progress and signals it.
type Temporal interface {
	DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error)
	GetWorkflow(ctx context.Context, workflowID, runID string) sdkclient.WorkflowRun
	QueryWorkflow(ctx context.Context, workflowID, runID, queryType string, args ...any) (converter.EncodedValue, error)
	SignalWorkflow(ctx context.Context, workflowID, runID, signalName string, arg any) error
}

// groupState is what Temporal says of a group's rebalance/<ns>/<ng>.
type groupState struct {
	running bool
	// closed is when its last run ended; zero if it never ran or runs.
	closed time.Time
	// unknown: Temporal could not be asked; the group is left alone this pass.
	unknown bool
}

// describeTimeout bounds one call to Temporal in a pass.
const describeTimeout = 10 * time.Second

// groupStates describes every group's rebalance run. A run this process does not follow
// yet (started by a previous leader) is attached to and followed from here on.
func (c *Controller) groupStates(ctx context.Context, o observation) map[types.NamespacedName]groupState {
	out := make(map[types.NamespacedName]groupState, len(o.view.NodeGroups))
	for _, g := range o.view.NodeGroups {
		key := keyOf(g)
		id := contract.RebalanceWorkflowID(g.Namespace, g.Name)
		dctx, cancel := context.WithTimeout(ctx, describeTimeout)
		resp, err := c.temporal.DescribeWorkflowExecution(dctx, id, "")
		cancel()
		var nf *serviceerror.NotFound
		switch {
		case errors.As(err, &nf):
			out[key] = groupState{}
			continue
		case err != nil:
			log.FromContext(ctx).Error(err, "Describing the rebalance failed; the group waits", "nodegroup", key.String())
			out[key] = groupState{unknown: true}
			continue
		}
		info := resp.GetWorkflowExecutionInfo()
		if info.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			out[key] = groupState{running: true}
			c.attach(ctx, g, id, info)
			continue
		}
		out[key] = groupState{closed: info.GetCloseTime().AsTime()}
		if unreported(g) && !c.runs.known(key, info.GetExecution().GetRunId()) {
			c.attach(ctx, g, id, info)
		}
	}
	return out
}

// unreported: the group's status still shows a run under way, but the run has closed. It
// closed while no autoscaler followed it (the leader died after the run's last step and the
// workflow task was done before the next leader looked), and its report lived in the dead
// process: the closed run is followed once, so its ending is recorded (its result is there
// at once).
func unreported(g *v1alpha1.NodeGroup) bool {
	st := g.Status.Rebalance
	return st != nil && st.StartedAt != nil && st.FinishedAt == nil
}

// attach follows a run this process did not start, with what its memo says.
func (c *Controller) attach(ctx context.Context, g *v1alpha1.NodeGroup, id string, info *workflowpb.WorkflowExecutionInfo) {
	runID := info.GetExecution().GetRunId()
	key := keyOf(g)
	if c.runs.following(key, runID) {
		return
	}
	r := run{id: id, runID: runID, started: info.GetStartTime().AsTime()}
	fields := info.GetMemo().GetFields()
	dc := converter.GetDefaultDataConverter()
	for name, into := range map[string]any{memoPlan: &r.planID, memoStrategy: &r.strategy, memoSavings: &r.planned,
		memoBatches: &r.batches, memoReasons: &r.reasons} {
		if p, ok := fields[name]; ok {
			_ = dc.FromPayload(p, into) // a memo this version did not write only leaves the field empty
		}
	}
	if !c.runs.begin(key, r) {
		return
	}
	log.FromContext(ctx).Info("Following a rebalance started earlier", "nodegroup", key.String(), "workflow", id, "run", runID,
		"plan", r.planID)
	c.publish(key)
	go c.follow(context.WithoutCancel(ctx), g.DeepCopy(), c.temporal.GetWorkflow(ctx, id, runID))
}
