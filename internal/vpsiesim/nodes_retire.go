package vpsiesim

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
)

// What a Node whose machine is gone shows, as the node lifecycle controller writes it when a kubelet stops
// posting status.
const (
	ReasonNodeStatusUnknown  = "NodeStatusUnknown"
	messageNodeStatusUnknown = "Kubelet stopped posting node status."
)

// retireNode handles a registered Node whose VM no longer runs. The simulator plays the machine and its kubelet,
// not a cloud-controller-manager, so by default the Node stays, NotReady (see orphanNode), and deleting it is the
// product's job; with remove (Realism.RemoveNodes) it is deleted as a cloud-controller-manager would.
func (s *Simulator) retireNode(ctx context.Context, nodes typedcorev1.NodeInterface, n *corev1.Node, remove bool) {
	if remove {
		if err := nodes.Delete(ctx, n.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			s.log.Error("deleting node", "node", n.Name, "err", err)
			return
		}
		s.log.Info("node removed", "node", n.Name, "provider_id", n.Spec.ProviderID)
		return
	}
	changed, err := orphanNode(ctx, nodes, n)
	if err != nil {
		s.log.Error("marking node not ready", "node", n.Name, "err", err)
		return
	}
	if changed {
		s.log.Info("node not ready: its vps is gone", "node", n.Name, "provider_id", n.Spec.ProviderID)
	}
}

// orphanNode makes n what a Node looks like once its kubelet is gone: kwok, which plays the kubelet, is let go
// (its annotation is removed, so it stops heartbeating), and the conditions go Unknown at once rather than after
// the node lifecycle controller's grace period. It reports whether it changed anything; a kwok heartbeat that
// raced it is undone at the next sync.
func orphanNode(ctx context.Context, nodes typedcorev1.NodeInterface, n *corev1.Node) (bool, error) {
	_, managed := n.Annotations[AnnotationKwok]
	if !managed && readyStatus(n) == corev1.ConditionUnknown {
		return false, nil
	}
	if managed {
		n = n.DeepCopy()
		delete(n.Annotations, AnnotationKwok)
		updated, err := nodes.Update(ctx, n, metav1.UpdateOptions{})
		if err != nil {
			return false, fmt.Errorf("removing the kwok annotation: %w", err)
		}
		n = updated
	}
	n = n.DeepCopy()
	conditionsUnknown(n, metav1.Now())
	if _, err := nodes.UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
		return false, fmt.Errorf("setting conditions unknown: %w", err)
	}
	return true, nil
}

// conditionsUnknown sets the kubelet's conditions to Unknown, adding Ready if it is missing. Heartbeat times stay:
// nobody posted one.
func conditionsUnknown(n *corev1.Node, now metav1.Time) {
	if readyStatus(n) == "" {
		n.Status.Conditions = append(n.Status.Conditions, corev1.NodeCondition{Type: corev1.NodeReady})
	}
	for i := range n.Status.Conditions {
		c := &n.Status.Conditions[i]
		if c.Status != corev1.ConditionUnknown {
			c.LastTransitionTime = now
		}
		c.Status, c.Reason, c.Message = corev1.ConditionUnknown, ReasonNodeStatusUnknown, messageNodeStatusUnknown
	}
}

// readyStatus is the status of n's Ready condition, "" if it has none.
func readyStatus(n *corev1.Node) corev1.ConditionStatus {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status
		}
	}
	return ""
}
