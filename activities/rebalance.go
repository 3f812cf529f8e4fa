package activities

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.temporal.io/sdk/activity"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// AnnotateRebalance marks a Node as being replaced by a rebalance (status and plan) and
// taints it PreferNoSchedule (TaintRebalanceCandidate: new pods prefer other nodes, so
// they are not moved twice, yet still land here when nothing else fits), or, with an empty
// status, removes the marks and the taint: a rollback's restore. A Node that is gone needs
// nothing.
// candidateTaint is what AnnotateRebalance puts on an old node.
var candidateTaint = corev1.Taint{Key: v1alpha1.TaintRebalanceCandidate, Effect: corev1.TaintEffectPreferNoSchedule}

func (k *Kube) AnnotateRebalance(ctx context.Context, in contract.AnnotateRebalanceInput) error {
	if in.NodeName == "" {
		return nonRetryable("a rebalance mark needs a node name")
	}
	err := k.patchNode(ctx, in.NodeName, func(n *corev1.Node) bool {
		if in.Status == "" {
			_, a := n.Annotations[v1alpha1.AnnotationRebalanceStatus]
			_, b := n.Annotations[v1alpha1.AnnotationRebalancePlan]
			delete(n.Annotations, v1alpha1.AnnotationRebalanceStatus)
			delete(n.Annotations, v1alpha1.AnnotationRebalancePlan)
			return removeTaint(n, candidateTaint) || a || b
		}
		tainted := addTaint(n, candidateTaint)
		if n.Annotations[v1alpha1.AnnotationRebalanceStatus] == in.Status && n.Annotations[v1alpha1.AnnotationRebalancePlan] == in.PlanID {
			return tainted
		}
		setAnnotation(n, v1alpha1.AnnotationRebalanceStatus, in.Status)
		setAnnotation(n, v1alpha1.AnnotationRebalancePlan, in.PlanID)
		return true
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("marking node %s for rebalance: %w", in.NodeName, err)
	}
	return nil
}

// VerifyPodsRunning waits until the pods evicted from in.Nodes run elsewhere: no pod a
// drain moves is left on those Nodes, and for each controller whose pods were moved
// (in.Moved), as many of its pods created since in.Since (its new copies) are Running and
// Ready (or Succeeded) on other Nodes as were moved. Pods of other controllers, created
// elsewhere in the cluster meanwhile, are not this run's to wait for. At in.Timeout it
// returns the verdict, not an error, so the workflow decides (blue-green rolls back). It
// heartbeats what it waits for.
func (k *Kube) VerifyPodsRunning(ctx context.Context, in contract.VerifyPodsRunningInput) (contract.VerifyPodsRunningResult, error) {
	if len(in.Nodes) == 0 || in.Timeout <= 0 {
		return contract.VerifyPodsRunningResult{}, nonRetryable("verifying pods needs nodes and a timeout")
	}
	old := map[string]bool{}
	for _, n := range in.Nodes {
		old[n] = true
	}
	deadline := time.Now().Add(in.Timeout)
	for {
		var pods corev1.PodList
		if err := k.Client.List(ctx, &pods); err != nil {
			return contract.VerifyPodsRunningResult{}, fmt.Errorf("listing pods: %w", err)
		}
		res := verifyMoved(pods.Items, old, in.Moved, in.Since, time.Now())
		if res.OK || !time.Now().Before(deadline) {
			return res, nil
		}
		activity.RecordHeartbeat(ctx, res)
		if err := sleep(ctx, podPoll); err != nil {
			return res, fmt.Errorf("verifying pods: %w", err)
		}
	}
}

// verifyMoved is VerifyPodsRunning's verdict on one listing.
func verifyMoved(pods []corev1.Pod, old map[string]bool, moved []contract.MovedPod, since, now time.Time) contract.VerifyPodsRunningResult {
	var res contract.VerifyPodsRunningResult
	note := func(n int, what string) {
		res.NotRunning += n
		if res.Blocking == "" {
			res.Blocking = what
		}
	}
	want, example := map[string]int{}, map[string]string{}
	for _, m := range moved {
		if m.OwnerUID != "" { // a pod without a controller has no copy to wait for
			want[m.OwnerUID]++
			example[m.OwnerUID] = m.Namespace + "/" + m.Name
		}
	}
	// creationTimestamp has whole seconds: a copy made in the second the evictions began
	// reads as earlier than since.
	since = since.Truncate(time.Second)
	moves := make(map[string]bool, len(moved))
	for _, m := range moved {
		moves[m.UID] = true
	}
	running, waiting := map[string]int{}, map[string]string{}
	for i := range pods {
		p := &pods[i]
		if old[p.Spec.NodeName] {
			if left := drainable([]corev1.Pod{*p}, now); len(left.evict)+len(left.leaving) > 0 {
				note(1, "pod "+p.Namespace+"/"+p.Name+" is still on old node "+p.Spec.NodeName)
			}
			continue
		}
		owner := controllerUID(p)
		if want[owner] == 0 || moves[string(p.UID)] || p.CreationTimestamp.Time.Before(since) {
			continue
		}
		switch {
		case p.Status.Phase == corev1.PodSucceeded || (p.Status.Phase == corev1.PodRunning && podReady(p)):
			running[owner]++
		case p.Spec.NodeName == "":
			waiting[owner] = "pod " + p.Namespace + "/" + p.Name + " is not scheduled"
		default:
			waiting[owner] = "pod " + p.Namespace + "/" + p.Name + " on node " + p.Spec.NodeName + " is not Running and Ready"
		}
	}
	for _, owner := range sortedKeys(want) {
		if short := want[owner] - running[owner]; short > 0 {
			why := waiting[owner]
			if why == "" {
				why = fmt.Sprintf("no new copy yet of pod %s (%d of %d moved pods of its controller running)",
					example[owner], running[owner], want[owner])
			}
			note(short, why)
		}
	}
	res.OK = res.NotRunning == 0
	return res
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
