package groupdeletion

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// ReasonNodeGroupDeleted is the drains' reason, in their input, memo and the Node's
// drain-reason annotation.
const ReasonNodeGroupDeleted = "NodeGroupDeleted"

// groupView is one read of a deleted group: its VPSieNodes (leaving ones included) and
// the membership index over them and the cluster's Nodes.
type groupView struct {
	all []*v1alpha1.VPSieNode
	ix  *membership.Index
}

func (c *Controller) observe(ctx context.Context, ng *v1alpha1.NodeGroup) (groupView, error) {
	var vns v1alpha1.VPSieNodeList
	if err := c.client.List(ctx, &vns, client.InNamespace(ng.Namespace)); err != nil {
		return groupView{}, fmt.Errorf("listing vpsienodes: %w", err)
	}
	var nodes corev1.NodeList
	if err := c.client.List(ctx, &nodes); err != nil {
		return groupView{}, fmt.Errorf("listing nodes: %w", err)
	}
	ix := membership.New(membership.Pointers(vns.Items), membership.Pointers(nodes.Items))
	return groupView{all: ix.All(ng.Key()), ix: ix}, nil
}

// removeNodes drains and deletes the group's nodes, at most MaxParallelDrains at once: a
// member with a Node through DrainAndDelete (drain/<node>: the same run scale-down and
// rebalance use, so a node never has two), a member without one by deleting its VPSieNode
// (its termination deletes the VPS). A drain that was undone (a PodDisruptionBudget held
// past drainTimeout) is started again on a later pass.
func (c *Controller) removeNodes(ctx context.Context, ng *v1alpha1.NodeGroup, g groupView) error {
	var waiting []*v1alpha1.VPSieNode
	draining, terminating := 0, 0
	for _, vn := range g.all {
		n := g.ix.NodeOf(vn)
		switch {
		case vn.Leaving():
			terminating++
		case n == nil:
			if err := c.client.Delete(ctx, vn); client.IgnoreNotFound(err) != nil {
				return fmt.Errorf("deleting vpsienode %s without a node: %w", vn.Name, err)
			}
			terminating++
		case n.Annotations[v1alpha1.AnnotationDrainStatus] == v1alpha1.DrainStatusDraining || n.DeletionTimestamp != nil:
			draining++
		default:
			waiting = append(waiting, vn)
		}
	}
	for _, vn := range waiting {
		if draining >= max(c.opts.MaxParallelDrains, 1) {
			break
		}
		if err := c.drain(ctx, ng, vn, g.ix.NodeOf(vn)); err != nil {
			return err
		}
		draining++
	}
	c.progress(ctx, ng, "Draining", fmt.Sprintf("%d nodes left: %d draining, %d terminating, %d waiting for a drain",
		len(g.all), draining, terminating, len(waiting)-min(len(waiting), draining)))
	return nil
}

// drain starts (or attaches to) the node's DrainAndDelete run.
func (c *Controller) drain(ctx context.Context, ng *v1alpha1.NodeGroup, vn *v1alpha1.VPSieNode, n *corev1.Node) error {
	id := contract.DrainWorkflowID(n.Name)
	in := contract.DrainAndDeleteInput{NodeName: n.Name, Namespace: ng.Namespace, NodeGroup: ng.Name,
		VPSieNode: contract.VPSieNodeRef{Namespace: vn.Namespace, Name: vn.Name, UID: string(vn.UID)},
		Reason:    ReasonNodeGroupDeleted + ": NodeGroup " + ng.Key().String() + " is being deleted", Policy: c.opts.Drain}
	_, err := c.starter.StartOrAttach(ctx, workflowstart.Spec{ID: id, Workflow: contract.DrainAndDeleteWorkflow, Input: in,
		Reuse: workflowstart.RestartFinished, NodeGroup: ng.Key().String(), Operation: contract.OperationDrain,
		Reason: ReasonNodeGroupDeleted,
		Memo:   map[string]any{"node": n.Name, "reason": ReasonNodeGroupDeleted}})
	if err != nil {
		return fmt.Errorf("starting the drain of node %s: %w", n.Name, err)
	}
	log.FromContext(ctx).Info("NodeGroup deletion draining a node", "nodegroup", ng.Key().String(), "node", n.Name,
		"vpsienode", vn.Name, "workflow", id)
	return nil
}
