package scaleup

import (
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

// reported remembers the last message sent per object, so a pod or NodeGroup gets one
// event per new reason, not one per planning pass.
type reported struct {
	mu   sync.Mutex
	last map[string]string
}

func newReported() *reported { return &reported{last: map[string]string{}} }

// changed records msg for key and says whether it differs from the last one. The key is
// kept until the next retain that does not name it.
func (r *reported) changed(key, msg string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.last[key]; ok && m == msg {
		return false
	}
	r.last[key] = msg
	return true
}

// retain forgets every key but those of this pass: a pod that was scheduled or deleted, or a
// group no longer held back, leaves the map, which would otherwise grow with every pod that
// ever waited. One that comes back is reported again, as a new episode.
func (r *reported) retain(keys map[string]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.last {
		if !keys[k] {
			delete(r.last, k)
		}
	}
}

// report sends the plan's refusals: one event per pod that fits nowhere, naming each
// NodeGroup and why, and one per NodeGroup the plan held back; the same typed reasons, and
// the NodeGroup meant for the pod, label the unschedulable_pods gauge.
func (p *Provisioner) report(snap plan.Snapshot, res plan.Result) {
	pods := map[types.NamespacedName]*corev1.Pod{}
	for i := range snap.Pending {
		pod := snap.Pending[i]
		pods[types.NamespacedName{Namespace: pod.Namespace, Name: pod.Name}] = pod
	}
	p.metrics.unschedulable.Reset()
	p.metrics.groupsSeen(snap.NodeGroups)
	p.metrics.pending.Set(float64(len(snap.Pending)))
	keys := make(map[string]bool, len(res.Unschedulable)+len(res.Groups))
	defer p.reported.retain(keys)
	for _, u := range res.Unschedulable {
		reason, meant := "NoNodeGroup", types.NamespacedName{}
		if v, ok := u.Meant(); ok {
			reason, meant = v.Reason.String(), v.NodeGroup
		}
		p.metrics.unschedulable.WithLabelValues(reason, meant.Namespace, meant.Name).Inc()
		msg := plan.EventMessage(u)
		keys["pod/"+u.Pod.String()] = true
		if pod := pods[u.Pod]; pod != nil && p.reported.changed("pod/"+u.Pod.String(), msg) {
			p.events.Eventf(pod, nil, corev1.EventTypeWarning, "NotTriggerScaleUp", "ScaleUp", "%s", msg)
		}
	}
	p.verdicts.Replace(verdictsOf(res.Groups))
	for _, v := range res.Groups {
		ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: v.NodeGroup.Namespace, Name: v.NodeGroup.Name}}
		for i := range snap.NodeGroups {
			if g := snap.NodeGroups[i]; g.Namespace == ng.Namespace && g.Name == ng.Name {
				ng = g
			}
		}
		keys["nodegroup/"+v.NodeGroup.String()] = true
		if p.reported.changed("nodegroup/"+v.NodeGroup.String(), v.Reason.String()+v.Message) {
			p.events.Eventf(ng, nil, corev1.EventTypeWarning, v.Reason.String(), "ScaleUp", "%s", v.Message)
		}
	}
}
