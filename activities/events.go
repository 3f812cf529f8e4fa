package activities

import (
	"context"

	"go.temporal.io/sdk/activity"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// eventSource is the component activities' events name.
const eventSource = "vpsie-autoscaler"

// nodeEvent records an event on a Node, so `kubectl describe node` shows what a drain did.
// Best effort: a drain never fails because its event could not be written.
func (k *Kube) nodeEvent(ctx context.Context, node, eventType, reason, message string) {
	now := k.now()
	ev := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{GenerateName: node + ".", Namespace: metav1.NamespaceDefault},
		InvolvedObject: corev1.ObjectReference{Kind: "Node", APIVersion: "v1", Name: node},
		Reason:         reason, Message: truncate(message, 1024), Type: eventType,
		Source:         corev1.EventSource{Component: eventSource},
		FirstTimestamp: now, LastTimestamp: now, Count: 1,
	}
	if err := k.Client.Create(ctx, ev); err != nil {
		activity.GetLogger(ctx).Warn("Could not record an event on a node", "node", node, "reason", reason, "error", err)
	}
}
