package activities

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// podNodeNameField selects the pods bound to a Node (a field selector the apiserver
// serves for pods).
const podNodeNameField = "spec.nodeName"

// stuckTerminating is how long past its deletion time a terminating pod is waited for:
// after that its kubelet is gone or a finalizer holds it, and deleting the Node is what
// frees it.
const stuckTerminating = time.Minute

// disruptedTaint is the drain's own taint, put on with its cordon.
var disruptedTaint = corev1.Taint{Key: v1alpha1.TaintDisrupted, Effect: corev1.TaintEffectNoSchedule}

// nodePods is a Node's pods sorted for a drain.
type nodePods struct {
	evict   []*corev1.Pod // to be evicted
	leaving []*corev1.Pod // terminating, waited for
	stay    []*corev1.Pod // tolerate the drain's taint: they would come back, so they go with the Node
}

// drainable sorts a Node's pods for a drain. The pods a drain moves are the scheduling
// simulation's (schedsim.NeedsNewHome: not DaemonSet, mirror, finished or terminating);
// of those, the ones that tolerate the drain's taint stay. Terminating pods are waited for,
// unless stuck.
func drainable(pods []corev1.Pod, now time.Time) nodePods {
	var out nodePods
	for i := range pods {
		p := &pods[i]
		switch {
		case schedsim.NeedsNewHome(p) && goesWithNode(p):
			out.stay = append(out.stay, p)
		case schedsim.NeedsNewHome(p):
			out.evict = append(out.evict, p)
		case p.DeletionTimestamp != nil && leaves(p):
			if now.Before(p.DeletionTimestamp.Add(stuckTerminating)) {
				out.leaving = append(out.leaving, p)
			}
		}
	}
	return out
}

// leaves reports whether a terminating pod is one the drain would have moved.
func leaves(p *corev1.Pod) bool {
	q := *p
	q.DeletionTimestamp = nil
	return schedsim.NeedsNewHome(&q)
}

// goesWithNode reports whether a pod tolerates the drain's taint: evicted, its controller's
// next copy could land on the Node again (a pod that tolerates every taint ignores the
// cordon too), so the drain leaves it and it goes with the Node.
func goesWithNode(p *corev1.Pod) bool {
	for i := range p.Spec.Tolerations {
		if p.Spec.Tolerations[i].ToleratesTaint(klog.Background(), &disruptedTaint, false) {
			return true
		}
	}
	return false
}

func controllerUID(p *corev1.Pod) string {
	if ref := metav1.GetControllerOf(p); ref != nil {
		return string(ref.UID)
	}
	return ""
}
