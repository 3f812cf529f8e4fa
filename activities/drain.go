package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// podPoll is how often a drain looks again at pods that are terminating.
const podPoll = time.Second

// CordonNode marks a Node unschedulable and records on it that the drain did, in the
// same write, with the drain's NoSchedule taint (TaintDisrupted: a pod that tolerates it
// is left to go with the Node rather than evicted again and again). A Node someone else
// had cordoned keeps that cordon, gets the taint, and is reported as not cordoned by the
// drain, so its compensation never uncordons it. A second attempt finds its own mark and
// reports the same. A Node that is gone is reported, not an error.
func (k *Kube) CordonNode(ctx context.Context, in contract.NodeRef) (contract.CordonNodeResult, error) {
	var res contract.CordonNodeResult
	if in.NodeName == "" {
		return res, nonRetryable("cordon needs a node name")
	}
	err := k.patchNode(ctx, in.NodeName, func(n *corev1.Node) bool {
		ours := n.Annotations[v1alpha1.AnnotationCordonedByDrain] == "true"
		res = contract.CordonNodeResult{Found: true, Cordoned: ours || !n.Spec.Unschedulable}
		changed := addTaint(n, disruptedTaint)
		if n.Spec.Unschedulable {
			return changed
		}
		n.Spec.Unschedulable = true
		setAnnotation(n, v1alpha1.AnnotationCordonedByDrain, "true")
		return true
	})
	if apierrors.IsNotFound(err) {
		return contract.CordonNodeResult{}, nil
	}
	if err != nil {
		return res, fmt.Errorf("cordoning node %s: %w", in.NodeName, err)
	}
	return res, nil
}

// UncordonNode undoes CordonNode: the drain's taint goes, and only a Node carrying the
// drain's mark is made schedulable again, and the mark goes. A Node that is gone needs
// nothing.
func (k *Kube) UncordonNode(ctx context.Context, in contract.NodeRef) error {
	if in.NodeName == "" {
		return nonRetryable("uncordon needs a node name")
	}
	err := k.patchNode(ctx, in.NodeName, func(n *corev1.Node) bool {
		changed := removeTaint(n, disruptedTaint)
		if n.Annotations[v1alpha1.AnnotationCordonedByDrain] != "true" {
			return changed
		}
		n.Spec.Unschedulable = false
		delete(n.Annotations, v1alpha1.AnnotationCordonedByDrain)
		return true
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("uncordoning node %s: %w", in.NodeName, err)
	}
	return nil
}

// addTaint puts t on n unless a taint of its key and effect is there; it says whether it did.
func addTaint(n *corev1.Node, t corev1.Taint) bool {
	for _, have := range n.Spec.Taints {
		if have.MatchTaint(&t) {
			return false
		}
	}
	n.Spec.Taints = append(n.Spec.Taints, t)
	return true
}

// removeTaint takes every taint of t's key and effect off n; it says whether there was one.
func removeTaint(n *corev1.Node, t corev1.Taint) bool {
	kept := n.Spec.Taints[:0:0]
	for _, have := range n.Spec.Taints {
		if !have.MatchTaint(&t) {
			kept = append(kept, have)
		}
	}
	changed := len(kept) != len(n.Spec.Taints)
	n.Spec.Taints = kept
	return changed
}

// AnnotateDrainStatus writes the drain status and its reason on a Node (an empty reason
// removes the old one). A Node that is gone needs nothing.
func (k *Kube) AnnotateDrainStatus(ctx context.Context, in contract.AnnotateDrainStatusInput) error {
	switch {
	case in.NodeName == "":
		return nonRetryable("a drain status needs a node name")
	case in.Status != v1alpha1.DrainStatusDraining && in.Status != v1alpha1.DrainStatusDrained &&
		in.Status != v1alpha1.DrainStatusFailed:
		return nonRetryable(fmt.Sprintf("unknown drain status %q", in.Status))
	}
	reason := truncate(in.Reason, 1024)
	err := k.patchNode(ctx, in.NodeName, func(n *corev1.Node) bool {
		if n.Annotations[v1alpha1.AnnotationDrainStatus] == in.Status && n.Annotations[v1alpha1.AnnotationDrainReason] == reason {
			return false
		}
		setAnnotation(n, v1alpha1.AnnotationDrainStatus, in.Status)
		if reason == "" {
			delete(n.Annotations, v1alpha1.AnnotationDrainReason)
		} else {
			setAnnotation(n, v1alpha1.AnnotationDrainReason, reason)
		}
		return true
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("marking node %s %s: %w", in.NodeName, in.Status, err)
	}
	return nil
}

// EvictPods evicts every evictable pod of a Node through the Eviction API, so
// PodDisruptionBudgets are respected, and waits until they are gone. A refused eviction
// is tried again after a backoff that doubles up to contract.MaxEvictionRetry, and the
// activity heartbeats its progress (evicted, remaining, what blocks) meanwhile. At the
// deadline it returns what is left instead of failing, so the workflow decides between
// compensation and force. An attempt after a worker crash continues the count of the
// one before from its last heartbeat. Pods that tolerate the drain's taint are not
// evicted (they would come back): they go with the Node, counted in GoWithNode. No pod
// (UID) is evicted twice by one drain.
func (k *Kube) EvictPods(ctx context.Context, in contract.EvictPodsInput) (contract.EvictPodsResult, error) {
	var res contract.EvictPodsResult
	if in.NodeName == "" || in.Deadline.IsZero() {
		return res, nonRetryable("evicting pods needs a node name and a deadline")
	}
	if activity.HasHeartbeatDetails(ctx) {
		_ = activity.GetHeartbeatDetails(ctx, &res)
	}
	backoff := in.RetryInterval
	if backoff <= 0 {
		backoff = contract.DefaultEvictionRetry
	}
	for {
		pods, err := k.podsOn(ctx, in.NodeName)
		if err != nil {
			return res, err
		}
		sorted := drainable(pods, time.Now())
		res.Remaining, res.Blocking, res.GoWithNode = len(sorted.evict)+len(sorted.leaving), "", len(sorted.stay)
		if res.Remaining == 0 {
			k.reportGoWithNode(ctx, in.NodeName, sorted.stay)
			return res, nil
		}
		refused := k.evictAll(ctx, sorted.evict, in.GracePeriodSeconds, &res)
		if res.Blocking == "" && len(sorted.leaving) > 0 {
			res.Blocking = fmt.Sprintf("pod %s/%s is terminating", sorted.leaving[0].Namespace, sorted.leaving[0].Name)
		}
		activity.RecordHeartbeat(ctx, res)
		left := time.Until(in.Deadline)
		if left <= 0 {
			activity.GetLogger(ctx).Info("Drain deadline passed with pods left", "node", in.NodeName,
				"remaining", res.Remaining, "blocking", res.Blocking)
			return res, nil
		}
		wait := podPoll
		if refused {
			wait, backoff = backoff, min(2*backoff, contract.MaxEvictionRetry)
		}
		if err := pause(ctx, min(wait, left), res); err != nil {
			return res, fmt.Errorf("draining node %s: %w", in.NodeName, err)
		}
	}
}

// evictAll evicts pods one by one, recording them on res, and reports whether any was
// refused (res.Blocking then says by what). A pod this drain already evicted is not
// evicted again: it is terminating, or its eviction was accepted and it is about to be.
func (k *Kube) evictAll(ctx context.Context, pods []*corev1.Pod, grace *int64, res *contract.EvictPodsResult) bool {
	done := make(map[string]bool, len(res.Moved))
	for _, m := range res.Moved {
		done[m.UID] = true
	}
	refused := false
	for _, pod := range pods {
		if done[string(pod.UID)] {
			continue
		}
		if why := k.evict(ctx, pod, grace); why != "" {
			refused, res.Blocking = true, why
		} else {
			res.Evicted++
			res.Moved = append(res.Moved, contract.MovedPod{Namespace: pod.Namespace, Name: pod.Name, UID: string(pod.UID),
				OwnerUID: controllerUID(pod)})
		}
		activity.RecordHeartbeat(ctx, *res)
	}
	return refused
}

// reportGoWithNode says on the Node (an event) which pods the drain leaves because they
// tolerate its taint; best effort, the result carries the count too.
func (k *Kube) reportGoWithNode(ctx context.Context, node string, stay []*corev1.Pod) {
	if len(stay) == 0 {
		return
	}
	names := make([]string, 0, min(len(stay), 5))
	for _, p := range stay[:min(len(stay), 5)] {
		names = append(names, p.Namespace+"/"+p.Name)
	}
	msg := fmt.Sprintf("%d pods tolerate the drain taint %s and go with the node: %s", len(stay),
		v1alpha1.TaintDisrupted, strings.Join(names, ", "))
	k.nodeEvent(ctx, node, corev1.EventTypeNormal, "PodsGoWithNode", msg)
}

// evict asks the Eviction API to evict one pod (that very pod, by UID) and says what
// refused it; "" when it was evicted or is gone.
func (k *Kube) evict(ctx context.Context, pod *corev1.Pod, grace *int64) string {
	ev := &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name},
		DeleteOptions: &metav1.DeleteOptions{GracePeriodSeconds: grace, Preconditions: &metav1.Preconditions{UID: &pod.UID}}}
	err := k.postEviction(ctx, pod, ev)
	if err == nil {
		activity.GetLogger(ctx).Info("Evicted pod", "pod", pod.Namespace+"/"+pod.Name, "node", pod.Spec.NodeName)
		return ""
	}
	return evictionBlocker(pod.Namespace+"/"+pod.Name, err)
}

func (k *Kube) podsOn(ctx context.Context, node string) ([]corev1.Pod, error) {
	var pods corev1.PodList
	if err := k.Client.List(ctx, &pods, client.MatchingFields{podNodeNameField: node}); err != nil {
		return nil, fmt.Errorf("listing the pods of node %s: %w", node, err)
	}
	return pods.Items, nil
}

// WaitVPSieNodeGone waits until a deleted VPSieNode is gone (its termination released
// it), heartbeating; a later object of the same name does not count. Running out of
// in.Timeout is final (ErrWaitTimedOut): the termination goes on by itself.
func (k *Kube) WaitVPSieNodeGone(ctx context.Context, in contract.WaitVPSieNodeGoneInput) error {
	if in.VPSieNode.Name == "" || in.Timeout <= 0 {
		return nonRetryable("a vpsienode wait needs a name and a timeout")
	}
	deadline := time.Now().Add(in.Timeout)
	for {
		vn, err := k.get(ctx, in.VPSieNode)
		switch {
		case apierrors.IsNotFound(err) || (err == nil && vn == nil):
			return nil
		case err != nil:
			activity.GetLogger(ctx).Debug("Reading vpsienode failed; looking again", "vpsienode", in.VPSieNode.Name, "error", err)
		}
		if !time.Now().Before(deadline) {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("vpsienode %s/%s not gone within %s", in.VPSieNode.Namespace, in.VPSieNode.Name, in.Timeout),
				contract.ErrWaitTimedOut, nil)
		}
		activity.RecordHeartbeat(ctx, "waiting for vpsienode "+in.VPSieNode.Name+" to go")
		if err := sleep(ctx, nodePoll); err != nil {
			return fmt.Errorf("waiting for vpsienode %s: %w", in.VPSieNode.Name, err)
		}
	}
}

// patchNode reads a Node, lets change edit it, and patches it when change says it did,
// under optimistic locking (re-read on conflict).
func (k *Kube) patchNode(ctx context.Context, name string, change func(*corev1.Node) bool) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		node := &corev1.Node{}
		if err := k.Client.Get(ctx, client.ObjectKey{Name: name}, node); err != nil {
			return err
		}
		base := node.DeepCopy()
		if !change(node) {
			return nil
		}
		return k.Client.Patch(ctx, node, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
	})
}

func setAnnotation(n *corev1.Node, key, value string) {
	if n.Annotations == nil {
		n.Annotations = map[string]string{}
	}
	n.Annotations[key] = value
}

// pause sleeps d, heartbeating progress every heartbeatEvery, so a long backoff never
// looks like a dead worker.
func pause(ctx context.Context, d time.Duration, progress any) error {
	for d > 0 {
		step := min(d, heartbeatEvery)
		if err := sleep(ctx, step); err != nil {
			return err
		}
		d -= step
		activity.RecordHeartbeat(ctx, progress)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
