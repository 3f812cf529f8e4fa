package scaledown

import (
	"context"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
)

// blocking reports whether a kept node is one scale-down would remove but may not: a safety
// check, a limit of its group, or pods that fit nowhere else. Nodes that are simply busy,
// still booting, already leaving, unmanaged by a group or opted out are not blocked.
func blocking(r plan.Reason) bool {
	switch r {
	case plan.ReasonNone, plan.ReasonNotInNodeGroup, plan.ReasonDrainInProgress, plan.ReasonScaleDownDisabled,
		plan.ReasonNotUnderutilized, plan.ReasonNotReadyYet, plan.ReasonBooting:
		return false
	}
	return !r.Drains()
}

// maxAnnotation bounds the annotation's value; messages name pods and budgets, so are short.
const maxAnnotation = 1024

// annotation is the scale-down-blocked annotation's value: the reason and what decided.
func annotation(v plan.Verdict) string {
	s := v.Reason.String() + ": " + v.Message
	if len(s) > maxAnnotation {
		s = s[:maxAnnotation-3] + "..."
	}
	return s
}

// blockedNodes remembers, per node, the reason and pod it was last reported blocked for, so a
// node gets one event (and one count in the metrics) per new reason, not one per pass.
type blockedNodes struct {
	mu   sync.Mutex
	last map[string]string
}

func newBlockedNodes() *blockedNodes { return &blockedNodes{last: map[string]string{}} }

// changed records node's verdict and says whether it differs from the last one.
func (b *blockedNodes) changed(node string, v plan.Verdict) bool {
	key := v.Reason.String() + "|" + v.Pod.String()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last[node] == key {
		return false
	}
	b.last[node] = key
	return true
}

// retain forgets every node that is no longer blocked.
func (b *blockedNodes) retain(blocked map[string]bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for n := range b.last {
		if !blocked[n] {
			delete(b.last, n)
		}
	}
}

// report shows why blocked nodes stay: an event and an annotation on the Node, metrics, and
// the per-group list the NodeGroup controller writes into status.scaleDown.
func (c *Controller) report(ctx context.Context, o observation, res plan.Result) {
	perGroup := map[types.NamespacedName][]v1alpha1.BlockedNode{}
	blocked := map[string]bool{}
	for _, v := range res.Kept {
		if !blocking(v.Reason) {
			continue
		}
		blocked[v.Node] = true
		bn := v1alpha1.BlockedNode{Node: v.Node, Reason: v.Reason.String(), Message: v.Message}
		if v.Pod.Name != "" {
			bn.Pod = v.Pod.String()
		}
		perGroup[v.NodeGroup] = append(perGroup[v.NodeGroup], bn)
		n := o.view.Node(v.Node)
		if n == nil {
			continue
		}
		if c.blocked.changed(v.Node, v) {
			c.events.Eventf(n, nil, corev1.EventTypeWarning, "ScaleDownBlocked", "ScaleDown", "%s", annotation(v))
			c.metrics.blocked.WithLabelValues(v.NodeGroup.Name, v.NodeGroup.Namespace, v.Reason.String()).Inc()
			if ct := v.Reason.CheckType(); ct != "" {
				c.metrics.safety.WithLabelValues(ct, v.NodeGroup.Name, v.NodeGroup.Namespace).Inc()
			}
		}
		c.annotate(ctx, n, annotation(v))
	}
	c.blocked.retain(blocked)
	for _, n := range o.view.Nodes {
		if !blocked[n.Name] {
			c.annotate(ctx, n, "")
		}
	}
	c.reports.Replace(reportsOf(o.view.NodeGroups, perGroup, c.drains.lastStarts()))
}

// annotate sets the node's scale-down-blocked annotation to value, or removes it when value
// is empty; a node that already carries it is not written.
func (c *Controller) annotate(ctx context.Context, n *corev1.Node, value string) {
	cur, has := n.Annotations[v1alpha1.AnnotationScaleDownBlocked]
	if cur == value && (has || value == "") {
		return
	}
	patched := n.DeepCopy()
	patch := client.MergeFrom(n)
	if value == "" {
		delete(patched.Annotations, v1alpha1.AnnotationScaleDownBlocked)
	} else {
		if patched.Annotations == nil {
			patched.Annotations = map[string]string{}
		}
		patched.Annotations[v1alpha1.AnnotationScaleDownBlocked] = value
	}
	if err := c.client.Patch(ctx, patched, patch); client.IgnoreNotFound(err) != nil {
		log.FromContext(ctx).Error(err, "Annotating a node scale-down keeps failed", "node", n.Name)
	}
}
