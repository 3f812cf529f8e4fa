package activities

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// podNodeNameField selects the pods bound to a Node (a field selector the apiserver
// serves for pods).
const podNodeNameField = "spec.nodeName"

// stuckTerminating is how long past its deletion time a terminating pod is waited for:
// after that its kubelet is gone or a finalizer holds it, and deleting the Node is what
// frees it.
const stuckTerminating = time.Minute

// drainable sorts a Node's pods for a drain: evict are to be evicted, leaving are
// terminating and waited for. The rest are not the drain's: DaemonSet pods (they
// tolerate the cordon and go with the Node), mirror pods (the kubelet owns them),
// finished pods, and pods stuck terminating.
func drainable(pods []corev1.Pod, now time.Time) (evict, leaving []*corev1.Pod) {
	for i := range pods {
		p := &pods[i]
		switch {
		case isDaemonSetPod(p), isMirrorPod(p), p.Status.Phase == corev1.PodSucceeded, p.Status.Phase == corev1.PodFailed:
		case p.DeletionTimestamp != nil:
			if now.Before(p.DeletionTimestamp.Add(stuckTerminating)) {
				leaving = append(leaving, p)
			}
		default:
			evict = append(evict, p)
		}
	}
	return evict, leaving
}

func isDaemonSetPod(p *corev1.Pod) bool {
	ref := metav1.GetControllerOf(p)
	return ref != nil && ref.Kind == "DaemonSet"
}

func isMirrorPod(p *corev1.Pod) bool {
	_, ok := p.Annotations[corev1.MirrorPodAnnotationKey]
	return ok
}
