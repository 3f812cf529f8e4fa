package vpsienode

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	sdkclient "go.temporal.io/sdk/client"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// recheckTermination is how often a deleting VPSieNode's workflow is
// re-ensured; it restarts the termination if an operator terminated the run
// in the Web UI while the VPS still exists.
const recheckTermination = time.Minute

// WorkflowStarter is the part of the Temporal client the controller needs.
type WorkflowStarter interface {
	ExecuteWorkflow(ctx context.Context, o sdkclient.StartWorkflowOptions, workflow any, args ...any) (sdkclient.WorkflowRun, error)
}

// Controller adds the termination finalizer and starts terminations.
type Controller struct {
	client    client.Client
	temporal  WorkflowStarter
	taskQueue string
	// cluster names this cluster in the ownership tags a VPS found by hostname must carry.
	cluster string
	events  events.EventRecorder
}

// NewController returns the VPSieNode finalizer controller.
func NewController(c client.Client, t WorkflowStarter, taskQueue, cluster string, rec events.EventRecorder) *Controller {
	return &Controller{client: c, temporal: t, taskQueue: taskQueue, cluster: cluster, events: rec}
}

// Name is the controller's name in logs and metrics.
func (c *Controller) Name() string { return "vpsienode.termination" }

// Register wires the controller into the manager.
func (c *Controller) Register(_ context.Context, mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).Named(c.Name()).For(&v1alpha1.VPSieNode{}).Complete(c)
}

// Reconcile makes sure a live VPSieNode carries the finalizer and a deleted
// one has a termination workflow running.
func (c *Controller) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	vn := &v1alpha1.VPSieNode{}
	if err := c.client.Get(ctx, req.NamespacedName, vn); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if vn.DeletionTimestamp.IsZero() {
		return reconcile.Result{}, c.ensureFinalizer(ctx, vn)
	}
	if !controllerutil.ContainsFinalizer(vn, v1alpha1.FinalizerVPSTermination) {
		return reconcile.Result{}, nil
	}
	if err := c.ensureTermination(ctx, vn); err != nil {
		return reconcile.Result{}, err
	}
	return reconcile.Result{RequeueAfter: recheckTermination}, nil
}

func (c *Controller) ensureFinalizer(ctx context.Context, vn *v1alpha1.VPSieNode) error {
	base := vn.DeepCopy()
	if !controllerutil.AddFinalizer(vn, v1alpha1.FinalizerVPSTermination) {
		return nil
	}
	err := c.client.Patch(ctx, vn, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
	if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		return nil // a newer version is already queued, or the object is gone
	}
	if err != nil {
		return fmt.Errorf("adding finalizer: %w", err)
	}
	return nil
}

// ensureTermination starts the workflow under its deterministic ID; if it is
// already running, Temporal hands back the running one instead of a second.
func (c *Controller) ensureTermination(ctx context.Context, vn *v1alpha1.VPSieNode) error {
	id := contract.TerminateWorkflowID(vn.Namespace, vn.Name)
	run, err := c.temporal.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                c.taskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, contract.TerminateVPSieNodeWorkflow, contract.TerminateVPSieNodeInput{
		Namespace: vn.Namespace, Name: vn.Name, UID: string(vn.UID), Cluster: c.cluster, VPSID: vn.Status.VPSID,
		Hostname: vn.Spec.Hostname,
	})
	if err != nil {
		return fmt.Errorf("starting workflow %s: %w", id, err)
	}
	log.FromContext(ctx).Info("Termination running", "vpsienode", vn.Name, "vps", vn.Status.VPSID,
		"workflow", id, "run", run.GetRunID())
	// The workflow marks the node Deleting first; before that, this is the
	// start, which is worth one event (later re-checks are not).
	if c.events != nil && vn.Status.Phase != v1alpha1.PhaseDeleting {
		c.events.Eventf(vn, nil, corev1.EventTypeNormal, "TerminationStarted", "Terminate",
			"workflow %s terminates VPS %q", id, vn.Status.VPSID)
	}
	return nil
}
