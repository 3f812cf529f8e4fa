package groupdeletion

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// recheck is how often a deleting group's take-down is looked at again; VPSieNode events
// wake it sooner.
const recheck = 5 * time.Second

// callTimeout bounds the Temporal calls of one pass.
const callTimeout = 20 * time.Second

// Options are the drains' policy, the scale-down controller's (scaleDown.drainTimeout,
// forceDrain, maxParallelDrains).
type Options struct {
	Drain contract.DrainPolicy
	// MaxParallelDrains is how many of the group's nodes drain at once; zero means 1.
	MaxParallelDrains int
}

// Controller adds the NodeGroup finalizer and takes a deleted group down.
type Controller struct {
	client   client.Client
	starter  *workflowstart.Starter
	temporal Temporal
	events   events.EventRecorder
	opts     Options
}

// NewController returns the NodeGroup finalizer controller. Without Temporal (t nil) it
// cannot cancel runs and takes no group down: the finalizer then waits.
func NewController(c client.Client, s *workflowstart.Starter, t Temporal, rec events.EventRecorder, o Options) *Controller {
	return &Controller{client: c, starter: s, temporal: t, events: rec, opts: o}
}

// Name is the controller's name in logs and metrics.
func (c *Controller) Name() string { return "nodegroup.deletion" }

// Register wires the controller into the manager; a change of a group's VPSieNode wakes
// its group.
func (c *Controller) Register(_ context.Context, mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).Named(c.Name()).For(&v1alpha1.NodeGroup{}).
		Watches(&v1alpha1.VPSieNode{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			vn := o.(*v1alpha1.VPSieNode)
			return []reconcile.Request{{NamespacedName: vn.GroupKey()}}
		})).Complete(c)
}

// Reconcile keeps the finalizer on a live group and takes a deleted one down, a step per
// pass: cancel its runs, then drain and delete its nodes, then let it go.
func (c *Controller) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	ng := &v1alpha1.NodeGroup{}
	if err := c.client.Get(ctx, req.NamespacedName, ng); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if ng.DeletionTimestamp.IsZero() {
		return reconcile.Result{}, c.ensureFinalizer(ctx, ng)
	}
	if !controllerutil.ContainsFinalizer(ng, v1alpha1.FinalizerNodeGroupCleanup) || c.temporal == nil {
		return reconcile.Result{}, nil
	}
	done, err := c.takeDown(ctx, ng)
	if err != nil {
		return reconcile.Result{}, err
	}
	if !done {
		return reconcile.Result{RequeueAfter: recheck}, nil
	}
	return reconcile.Result{}, c.release(ctx, ng)
}

func (c *Controller) ensureFinalizer(ctx context.Context, ng *v1alpha1.NodeGroup) error {
	base := ng.DeepCopy()
	if !controllerutil.AddFinalizer(ng, v1alpha1.FinalizerNodeGroupCleanup) {
		return nil
	}
	return ignoreStale(c.client.Patch(ctx, ng, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})),
		"adding the nodegroup finalizer")
}

// release removes the finalizer of a group with nothing left; the API server then deletes it.
func (c *Controller) release(ctx context.Context, ng *v1alpha1.NodeGroup) error {
	base := ng.DeepCopy()
	if !controllerutil.RemoveFinalizer(ng, v1alpha1.FinalizerNodeGroupCleanup) {
		return nil
	}
	if err := c.client.Patch(ctx, ng, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})); err != nil {
		return ignoreStale(err, "removing the nodegroup finalizer")
	}
	log.FromContext(ctx).Info("NodeGroup taken down; finalizer removed", "nodegroup", ng.Key().String())
	c.events.Eventf(ng, nil, corev1.EventTypeNormal, "NodeGroupDeleted", "Delete",
		"every run cancelled and every node drained and terminated; the NodeGroup goes")
	return nil
}

// takeDown does the next step of a deleted group's take-down and reports whether nothing
// is left: no run of the group runs and it has no VPSieNode (leaving ones included: their
// finalizer holds them until their VPS is gone).
func (c *Controller) takeDown(ctx context.Context, ng *v1alpha1.NodeGroup) (bool, error) {
	g, err := c.observe(ctx, ng)
	if err != nil {
		return false, err
	}
	tctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	running, err := c.cancelRuns(tctx, c.runIDs(tctx, ng, g.all))
	if err != nil {
		return false, err
	}
	if len(running) > 0 {
		// Its runs' own compensation removes what they made; nodes are drained after, so no
		// drain races a run still bringing a node up or replacing it.
		c.progress(ctx, ng, "CancellingRuns", fmt.Sprintf("cancelling %d runs: %v", len(running), running))
		return false, nil
	}
	if len(g.all) == 0 {
		return true, nil
	}
	if err := c.removeNodes(ctx, ng, g); err != nil {
		return false, err
	}
	return false, nil
}

// progress logs a step and announces it on the group (the event broadcaster folds
// repeats of the same message into one series).
func (c *Controller) progress(ctx context.Context, ng *v1alpha1.NodeGroup, step, msg string) {
	log.FromContext(ctx).Info("NodeGroup deletion: "+msg, "nodegroup", ng.Key().String(), "step", step)
	c.events.Eventf(ng, nil, corev1.EventTypeNormal, "NodeGroupDeleting", step, "%s", msg)
}

// ignoreStale drops a conflict or a vanished object: a newer version is already queued.
func ignoreStale(err error, what string) error {
	if err == nil || apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
