package nodegroup

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// vpsieNodeGroupIndex indexes VPSieNodes by spec.nodeGroup so a reconcile
// lists only its own members.
const vpsieNodeGroupIndex = "spec.nodeGroup"

// resyncAfter bounds how stale status may get if a watch event is missed.
const resyncAfter = 5 * time.Minute

// Controller keeps NodeGroup status current.
type Controller struct {
	client  client.Client
	clock   clock.Clock
	metrics *Metrics
}

// NewController returns a NodeGroup status controller; metrics may be nil.
func NewController(c client.Client, clk clock.Clock, m *Metrics) *Controller {
	return &Controller{client: c, clock: clk, metrics: m}
}

// Name is the controller's name in logs and metrics.
func (c *Controller) Name() string { return "nodegroup.status" }

// Register wires the controller and its index into the manager.
func (c *Controller) Register(ctx context.Context, mgr ctrl.Manager) error {
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.VPSieNode{}, vpsieNodeGroupIndex,
		func(o client.Object) []string { return []string{o.(*v1alpha1.VPSieNode).Spec.NodeGroup} }); err != nil {
		return fmt.Errorf("indexing vpsienodes by nodegroup: %w", err)
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named(c.Name()).
		For(&v1alpha1.NodeGroup{}).
		Watches(&v1alpha1.VPSieNode{}, handler.EnqueueRequestsFromMapFunc(vpsieNodeToGroup)).
		Watches(&corev1.Node{}, handler.EnqueueRequestsFromMapFunc(c.nodeToGroups)).
		Complete(c)
}

// Reconcile recomputes one NodeGroup's status and writes it if it changed.
func (c *Controller) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	logger := log.FromContext(ctx).WithValues("nodegroup", req.NamespacedName)
	var written *v1alpha1.NodeGroup
	// Each attempt re-reads the group and recomputes from scratch: a conflict
	// means someone (often a spec edit) changed it, and the status must
	// describe the newest generation, not the one we first read.
	err := retry.RetryOnConflict(retry.DefaultBackoff, func() error {
		ng := &v1alpha1.NodeGroup{}
		if err := c.client.Get(ctx, req.NamespacedName, ng); err != nil {
			return err
		}
		obs, err := c.observe(ctx, ng)
		if err != nil {
			return err
		}
		written = ng
		return c.writeStatus(ctx, ng, computeStatus(obs))
	})
	if apierrors.IsNotFound(err) {
		c.metrics.forget(req.NamespacedName)
		return reconcile.Result{}, nil
	}
	if err != nil {
		return reconcile.Result{}, fmt.Errorf("updating nodegroup status: %w", err)
	}
	c.metrics.observe(written)
	logger.V(1).Info("status current", "current", written.Status.CurrentNodes, "ready", written.Status.ReadyNodes)
	return reconcile.Result{RequeueAfter: resyncAfter}, nil
}

func (c *Controller) observe(ctx context.Context, ng *v1alpha1.NodeGroup) (observation, error) {
	var vns v1alpha1.VPSieNodeList
	if err := c.client.List(ctx, &vns, client.InNamespace(ng.Namespace),
		client.MatchingFields{vpsieNodeGroupIndex: ng.Name}); err != nil {
		return observation{}, fmt.Errorf("listing vpsienodes: %w", err)
	}
	var nodes corev1.NodeList
	if err := c.client.List(ctx, &nodes, client.MatchingLabels{
		v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: ng.Name,
	}); err != nil {
		return observation{}, fmt.Errorf("listing nodes: %w", err)
	}
	return observation{group: ng, vpsieNodes: vns.Items, nodes: nodes.Items, now: metav1.NewTime(c.clock.Now())}, nil
}

// writeStatus writes the whole status through the status subresource, after
// every field has been computed. It is an update rather than a merge patch
// because this controller owns all of the status: a merge patch leaves out
// counts that stay zero, so they would never appear in `kubectl get`. The
// object's resourceVersion makes a concurrent write (a spec edit, another
// replica) a conflict instead of a silent overwrite; the caller retries.
func (c *Controller) writeStatus(ctx context.Context, ng *v1alpha1.NodeGroup, st v1alpha1.NodeGroupStatus) error {
	if apiequality.Semantic.DeepEqual(ng.Status, st) && ng.Status.ObservedGeneration != 0 {
		return nil
	}
	ng.Status = st
	return c.client.Status().Update(ctx, ng)
}

func vpsieNodeToGroup(_ context.Context, o client.Object) []reconcile.Request {
	vn, ok := o.(*v1alpha1.VPSieNode)
	if !ok || vn.Spec.NodeGroup == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: vn.Namespace, Name: vn.Spec.NodeGroup}}}
}

// nodeToGroups maps a Node to every NodeGroup of its label's name: Nodes are
// cluster-scoped and carry only the group's name, not its namespace.
func (c *Controller) nodeToGroups(ctx context.Context, o client.Object) []reconcile.Request {
	name := o.GetLabels()[v1alpha1.LabelNodeGroup]
	if name == "" {
		return nil
	}
	var groups v1alpha1.NodeGroupList
	if err := c.client.List(ctx, &groups); err != nil {
		log.FromContext(ctx).Error(err, "listing nodegroups for node", "node", o.GetName())
		return nil
	}
	var out []reconcile.Request
	for i := range groups.Items {
		if groups.Items[i].Name == name {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&groups.Items[i])})
		}
	}
	return out
}
