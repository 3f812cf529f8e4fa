package nodegroup

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// VPSieNode field indexes: by group so a reconcile lists only its own
// members; by recorded Node name and by own name so a Node event finds the
// member (and so the group) it belongs to, by either way a Node is matched.
const (
	vpsieNodeGroupIndex    = "spec.nodeGroup"
	vpsieNodeNodeNameIndex = "status.nodeName"
	vpsieNodeNameIndex     = "metadata.name"
)

// vpsieNodeIndexes lists every index with its extractor, so Register and
// tests build the same ones.
var vpsieNodeIndexes = []struct {
	field   string
	extract client.IndexerFunc
}{
	{vpsieNodeGroupIndex, func(o client.Object) []string { return []string{o.(*v1alpha1.VPSieNode).Spec.NodeGroup} }},
	{vpsieNodeNodeNameIndex, func(o client.Object) []string { return nonEmpty(o.(*v1alpha1.VPSieNode).Status.NodeName) }},
	{vpsieNodeNameIndex, func(o client.Object) []string { return []string{o.GetName()} }},
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// resyncAfter bounds how stale status may get if a watch event is missed.
const resyncAfter = 5 * time.Minute

// Controller keeps NodeGroup status current.
type Controller struct {
	client  client.Client
	clock   clock.Clock
	metrics *Metrics
	// sources are the other controllers' reports folded into status.
	sources []Source
	// bootstrap reads user data templates and SSH key Secrets, uncached; nil writes no
	// BootstrapConfigValid condition.
	bootstrap client.Reader
	checks    bootstrapChecks
}

// CheckBootstrapWith makes the controller write the BootstrapConfigValid condition, reading
// each group's template ConfigMap and SSH key Secret through r (uncached: the autoscaler
// may get them only by name, so it cannot watch them; a group that names either is
// re-read every bootstrapRecheck instead).
func (c *Controller) CheckBootstrapWith(r client.Reader) *Controller {
	c.bootstrap = r
	c.checks = bootstrapChecks{last: map[types.NamespacedName]bootstrapCheck{}}
	return c
}

// NewController returns a NodeGroup status controller that folds the sources' reports
// into status (see FromScaleUp, FromScaleDown, FromRebalance); metrics may be nil.
func NewController(c client.Client, clk clock.Clock, m *Metrics, sources ...Source) *Controller {
	return &Controller{client: c, clock: clk, metrics: m, sources: sources}
}

// Name is the controller's name in logs and metrics.
func (c *Controller) Name() string { return "nodegroup.status" }

// Register wires the controller and its indexes into the manager.
func (c *Controller) Register(ctx context.Context, mgr ctrl.Manager) error {
	for _, ix := range vpsieNodeIndexes {
		if err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.VPSieNode{}, ix.field, ix.extract); err != nil {
			return fmt.Errorf("indexing vpsienodes by %s: %w", ix.field, err)
		}
	}
	b := ctrl.NewControllerManagedBy(mgr).
		Named(c.Name()).
		For(&v1alpha1.NodeGroup{}).
		Watches(&v1alpha1.VPSieNode{}, handler.EnqueueRequestsFromMapFunc(vpsieNodeToGroup)).
		Watches(&corev1.Node{}, handler.EnqueueRequestsFromMapFunc(c.nodeToGroups))
	for _, s := range c.sources {
		b = b.WatchesRawSource(source.Channel(s.changes, &handler.TypedEnqueueRequestForObject[*v1alpha1.NodeGroup]{}))
	}
	return b.Complete(c)
}

// Reconcile recomputes one NodeGroup's status and writes it if it changed.
func (c *Controller) Reconcile(ctx context.Context, req reconcile.Request) (res reconcile.Result, err error) {
	defer func(start time.Time) { c.metrics.reconciled(start, err) }(time.Now())
	logger := log.FromContext(ctx).WithValues("nodegroup", req.NamespacedName)
	var written *v1alpha1.NodeGroup
	// Each attempt re-reads the group and recomputes from scratch: a conflict
	// means someone (often a spec edit) changed it, and the status must
	// describe the newest generation, not the one we first read.
	err = retry.RetryOnConflict(retry.DefaultBackoff, func() error {
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
		c.checks.forget(req.NamespacedName)
		return reconcile.Result{}, nil
	}
	if err != nil {
		return reconcile.Result{}, fmt.Errorf("updating nodegroup status: %w", err)
	}
	c.metrics.observe(written)
	logger.V(1).Info("status current", "current", written.Status.CurrentNodes, "ready", written.Status.ReadyNodes)
	return reconcile.Result{RequeueAfter: c.requeueAfter(written)}, nil
}

func (c *Controller) observe(ctx context.Context, ng *v1alpha1.NodeGroup) (observation, error) {
	var vns v1alpha1.VPSieNodeList
	if err := c.client.List(ctx, &vns, client.InNamespace(ng.Namespace),
		client.MatchingFields{vpsieNodeGroupIndex: ng.Name}); err != nil {
		return observation{}, fmt.Errorf("listing vpsienodes: %w", err)
	}
	nodes, err := c.memberNodes(ctx, vns.Items)
	if err != nil {
		return observation{}, err
	}
	obs := observation{group: ng, vpsieNodes: vns.Items, nodes: nodes, now: metav1.NewTime(c.clock.Now())}
	if c.bootstrap != nil {
		err := c.checkBootstrap(ctx, ng)
		obs.bootstrap = &err
	}
	for _, s := range c.sources {
		s.fold(client.ObjectKeyFromObject(ng), &obs)
	}
	return obs, nil
}

// memberNodes reads the Nodes the members can be matched to: each recorded
// Node by name and, for members that have recorded none, the Nodes labelled
// with their names. It does not list by group label: Nodes are
// cluster-scoped, so that label also selects another namespace's same-named
// group and orphans, which must not count.
func (c *Controller) memberNodes(ctx context.Context, vns []v1alpha1.VPSieNode) ([]corev1.Node, error) {
	var out []corev1.Node
	seen := make(map[string]bool, len(vns))
	var unrecorded []string
	for i := range vns {
		name := vns[i].Status.NodeName
		switch {
		case name == "":
			unrecorded = append(unrecorded, vns[i].Name)
			continue
		case seen[name]:
			continue
		}
		seen[name] = true
		var n corev1.Node
		err := c.client.Get(ctx, client.ObjectKey{Name: name}, &n)
		if apierrors.IsNotFound(err) {
			continue // not registered yet, or already gone: not ready
		}
		if err != nil {
			return nil, fmt.Errorf("getting node %s: %w", name, err)
		}
		out = append(out, n)
	}
	labelled, err := c.labelledNodes(ctx, unrecorded)
	if err != nil {
		return nil, err
	}
	return append(out, labelled...), nil
}

// labelledNodes lists the Nodes whose vpsienode label is one of names. A
// name that is no valid label value can label no Node, and would make the
// selector invalid, so it is left out.
func (c *Controller) labelledNodes(ctx context.Context, names []string) ([]corev1.Node, error) {
	values := names[:0:0]
	for _, n := range names {
		if len(validation.IsValidLabelValue(n)) == 0 {
			values = append(values, n)
		}
	}
	if len(values) == 0 {
		return nil, nil
	}
	req, err := labels.NewRequirement(v1alpha1.LabelVPSieNode, selection.In, values)
	if err != nil {
		return nil, fmt.Errorf("selecting nodes by vpsienode label: %w", err)
	}
	var nodes corev1.NodeList
	if err := c.client.List(ctx, &nodes, client.MatchingLabelsSelector{Selector: labels.NewSelector().Add(*req)}); err != nil {
		return nil, fmt.Errorf("listing nodes by vpsienode label: %w", err)
	}
	return nodes.Items, nil
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
	err := c.client.Status().Update(ctx, ng)
	c.metrics.writeFailed(err)
	return err
}

func vpsieNodeToGroup(_ context.Context, o client.Object) []reconcile.Request {
	vn, ok := o.(*v1alpha1.VPSieNode)
	if !ok || vn.Spec.NodeGroup == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: vn.Namespace, Name: vn.Spec.NodeGroup}}}
}

// nodeToGroups maps a Node to the groups whose status it can change: those
// of the members matched to it, by recorded Node name or by the Node's
// vpsienode label. Nodes are cluster-scoped, so members are looked up in
// every namespace; the group label alone would also reach another
// namespace's same-named group, which the Node does not count for.
func (c *Controller) nodeToGroups(ctx context.Context, o client.Object) []reconcile.Request {
	groups := map[types.NamespacedName]bool{}
	c.addGroupsOf(ctx, groups, vpsieNodeNodeNameIndex, o.GetName())
	if vn := o.GetLabels()[v1alpha1.LabelVPSieNode]; vn != "" {
		c.addGroupsOf(ctx, groups, vpsieNodeNameIndex, vn)
	}
	out := make([]reconcile.Request, 0, len(groups))
	for g := range groups {
		out = append(out, reconcile.Request{NamespacedName: g})
	}
	return out
}

// addGroupsOf adds the group of every VPSieNode whose index field is value.
// A failed lookup is logged, not returned: a map func cannot fail, and the
// periodic resync repairs a missed event.
func (c *Controller) addGroupsOf(ctx context.Context, groups map[types.NamespacedName]bool, field, value string) {
	var vns v1alpha1.VPSieNodeList
	if err := c.client.List(ctx, &vns, client.MatchingFields{field: value}); err != nil {
		log.FromContext(ctx).Error(err, "listing vpsienodes for node", "field", field, "value", value)
		return
	}
	for i := range vns.Items {
		for _, r := range vpsieNodeToGroup(ctx, &vns.Items[i]) {
			groups[r.NamespacedName] = true
		}
	}
}
