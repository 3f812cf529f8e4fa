package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// nodePoll is how often a Node wait looks again.
const nodePoll = 2 * time.Second

// WaitNodeRegistered waits until the VPS's Node exists and returns its name. A Node of
// the name with another provider ID belongs to an earlier machine and does not count.
func (k *Kube) WaitNodeRegistered(ctx context.Context, in contract.WaitNodeInput) (string, error) {
	err := k.waitNode(ctx, in, "registered", func(n *corev1.Node) bool {
		return in.ProviderID == "" || n.Spec.ProviderID == "" || n.Spec.ProviderID == in.ProviderID
	})
	return in.NodeName, err
}

// WaitNodeReady waits until the Node reports Ready.
func (k *Kube) WaitNodeReady(ctx context.Context, in contract.WaitNodeInput) error {
	return k.waitNode(ctx, in, "ready", func(n *corev1.Node) bool {
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady {
				return c.Status == corev1.ConditionTrue
			}
		}
		return false
	})
}

// waitNode polls the Node until done says so, heartbeating; running out of in.Timeout
// is final (ErrWaitTimedOut), so the workflow compensates instead of retrying.
func (k *Kube) waitNode(ctx context.Context, in contract.WaitNodeInput, what string, done func(*corev1.Node) bool) error {
	if in.NodeName == "" || in.Timeout <= 0 {
		return nonRetryable("a node wait needs a node name and a timeout")
	}
	deadline := time.Now().Add(in.Timeout)
	for {
		node := &corev1.Node{}
		err := k.Client.Get(ctx, client.ObjectKey{Name: in.NodeName}, node)
		switch {
		case err == nil && done(node):
			return nil
		case err != nil && !apierrors.IsNotFound(err):
			activity.GetLogger(ctx).Debug("Reading node failed; looking again", "node", in.NodeName, "error", err)
		}
		if !time.Now().Before(deadline) {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("node %s not %s within %s", in.NodeName, what, in.Timeout), contract.ErrWaitTimedOut, nil)
		}
		activity.RecordHeartbeat(ctx, "waiting for node "+in.NodeName+" to be "+what)
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for node %s: %w", in.NodeName, ctx.Err())
		case <-time.After(nodePoll):
		}
	}
}

// ApplyNodeTemplate adds labels and taints to a Node; taints it already has (same key
// and effect) are updated, others it has are kept. A Node registered without a provider ID
// gets in.ProviderID (the API server allows setting it once, from empty); one it already
// has is never changed.
func (k *Kube) ApplyNodeTemplate(ctx context.Context, in contract.ApplyNodeTemplateInput) error {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		node := &corev1.Node{}
		if err := k.Client.Get(ctx, client.ObjectKey{Name: in.NodeName}, node); err != nil {
			return err
		}
		base := node.DeepCopy()
		if node.Labels == nil {
			node.Labels = map[string]string{}
		}
		for key, v := range in.Labels {
			node.Labels[key] = v
		}
		for _, t := range in.Taints {
			node.Spec.Taints = withTaint(node.Spec.Taints, corev1.Taint{Key: t.Key, Value: t.Value,
				Effect: corev1.TaintEffect(t.Effect)})
		}
		if node.Spec.ProviderID == "" {
			node.Spec.ProviderID = in.ProviderID
		}
		return k.Client.Patch(ctx, node, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
	})
	if err != nil {
		return fmt.Errorf("applying labels and taints to node %s: %w", in.NodeName, err)
	}
	return nil
}

func withTaint(taints []corev1.Taint, t corev1.Taint) []corev1.Taint {
	for i := range taints {
		if taints[i].Key == t.Key && taints[i].Effect == t.Effect {
			taints[i] = t
			return taints
		}
	}
	return append(taints, t)
}
