package vpsienode

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// recheckTermination is how often a deleting VPSieNode's workflow is re-ensured and
// looked at: it restarts a termination an operator terminated in the Web UI while the
// VPS still exists, and reports one that keeps failing.
const recheckTermination = 30 * time.Second

// struggleAttempts is when a failing activity is worth telling the operator about:
// one or two transient failures are normal, a third is a pattern.
const struggleAttempts = 3

// Controller adds the termination finalizer and starts terminations.
type Controller struct {
	client  client.Client
	starter *workflowstart.Starter
	// cluster names this cluster in the ownership tags a VPS found by hostname must carry.
	cluster string
	events  events.EventRecorder
}

// NewController returns the VPSieNode finalizer controller.
func NewController(c client.Client, s *workflowstart.Starter, cluster string, rec events.EventRecorder) *Controller {
	return &Controller{client: c, starter: s, cluster: cluster, events: rec}
}

// Name is the controller's name in logs and metrics.
func (c *Controller) Name() string { return "vpsienode.termination" }

// Register wires the controller into the manager.
func (c *Controller) Register(_ context.Context, mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).Named(c.Name()).For(&v1alpha1.VPSieNode{}).Complete(c)
}

// Reconcile makes sure a live VPSieNode carries the finalizer and a deleted one has a
// termination workflow running, whose repeated failures are recorded on the object.
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
	if err := c.reportStruggle(ctx, vn); err != nil {
		return reconcile.Result{}, err
	}
	return reconcile.Result{RequeueAfter: recheckTermination}, nil
}

func (c *Controller) ensureFinalizer(ctx context.Context, vn *v1alpha1.VPSieNode) error {
	base := vn.DeepCopy()
	if !controllerutil.AddFinalizer(vn, v1alpha1.FinalizerVPSTermination) {
		return nil
	}
	return ignoreStale(c.client.Patch(ctx, vn, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})),
		"adding finalizer")
}

// ensureTermination starts the workflow under its deterministic ID, or attaches to the
// running one.
func (c *Controller) ensureTermination(ctx context.Context, vn *v1alpha1.VPSieNode) error {
	spec := terminationSpec(vn, c.cluster)
	run, err := c.starter.StartOrAttach(ctx, spec)
	if err != nil {
		return err
	}
	log.FromContext(ctx).Info("Termination running", "vpsienode", vn.Name, "vps", vn.Status.VPSID,
		"workflow", spec.ID, "run", run.GetRunID())
	// The workflow marks the node Deleting first; before that, this is the start, which
	// is worth one event (later re-checks are not).
	if c.events != nil && vn.Status.Phase != v1alpha1.PhaseDeleting {
		c.events.Eventf(vn, nil, "Normal", "TerminationStarted", "Terminate",
			"workflow %s terminates VPS %q", spec.ID, vn.Status.VPSID)
	}
	return nil
}

// terminationSpec is the pure mapping from a VPSieNode to its termination workflow.
func terminationSpec(vn *v1alpha1.VPSieNode, cluster string) workflowstart.Spec {
	return workflowstart.Spec{
		ID:        contract.TerminateWorkflowID(vn.Namespace, vn.Name),
		Workflow:  contract.TerminateVPSieNodeWorkflow,
		Reuse:     workflowstart.RestartFinished,
		NodeGroup: vn.Namespace + "/" + vn.Spec.NodeGroup,
		Operation: contract.OperationTerminate,
		Input: contract.TerminateVPSieNodeInput{
			Namespace: vn.Namespace, Name: vn.Name, UID: string(vn.UID), Cluster: cluster,
			VPSID: vn.Status.VPSID, Hostname: vn.Spec.Hostname, NodeName: vn.Status.NodeName,
			WorkerID: vn.Status.WorkerID, ManagedCluster: vn.Status.ManagedCluster,
		},
	}
}

// reportStruggle records, while Temporal keeps retrying, an activity that has failed a
// few times: as status.lastError and as one Event per new error.
func (c *Controller) reportStruggle(ctx context.Context, vn *v1alpha1.VPSieNode) error {
	s, ok, err := c.starter.Struggling(ctx, contract.TerminateWorkflowID(vn.Namespace, vn.Name), struggleAttempts)
	if err != nil || !ok {
		return err
	}
	msg := truncate(s.String(), 1024)
	if vn.Status.LastError == msg {
		return nil
	}
	base := vn.DeepCopy()
	vn.Status.LastError = msg
	err = c.client.Status().Patch(ctx, vn, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
	if err := ignoreStale(err, "recording last error"); err != nil {
		return err
	}
	if c.events != nil {
		c.events.Eventf(vn, nil, "Warning", "TerminationRetrying", "Terminate", "%s", msg)
	}
	return nil
}

// ignoreStale drops a conflict or a vanished object: a newer version is already queued.
func ignoreStale(err error, what string) error {
	if err == nil || apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
