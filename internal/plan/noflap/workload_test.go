package noflap

import (
	"fmt"
	"math/rand/v2"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// deployment is one Deployment's pod shape.
type deployment struct {
	name     string
	cpu, mem string
}

// workload is what the Deployments ask for over time: replicas[step][i] is deployment i's
// replica count during the step-th period of `every`.
type workload struct {
	deployments []deployment
	every       time.Duration
	replicas    [][]int
}

// at is the replica count of every deployment after elapsed.
func (w workload) at(elapsed time.Duration) []int {
	step := min(int(elapsed/w.every), len(w.replicas)-1)
	return w.replicas[step]
}

// randomWalk moves each deployment by -1, 0 or +1 replica every step, within [lo, hi],
// from start; the same seed always gives the same walk.
func randomWalk(seed uint64, steps int, start, lo, hi []int) [][]int {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := [][]int{append([]int(nil), start...)}
	for range steps - 1 {
		next := append([]int(nil), out[len(out)-1]...)
		for i := range next {
			next[i] = min(max(next[i]+r.IntN(3)-1, lo[i]), hi[i])
		}
		out = append(out, next)
	}
	return out
}

// stepAt holds from until the change step, then after.
func stepAt(steps, change int, from, after []int) [][]int {
	out := make([][]int, steps)
	for i := range out {
		out[i] = from
		if i >= change {
			out[i] = after
		}
	}
	return out
}

// ramp adds inc replicas every step from start, up to the step `until`, then holds.
func ramp(steps, until int, start, inc []int) [][]int {
	out := make([][]int, steps)
	for s := range out {
		out[s] = make([]int, len(start))
		for i := range start {
			out[s][i] = start[i] + inc[i]*min(s, until)
		}
	}
	return out
}

var yes = true

// newPod is a replica of d created at now, pending, selecting the group's nodes.
func newPod(d deployment, seq int, now time.Time) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: fmt.Sprintf("%s-%04d", d.name, seq),
			Labels: map[string]string{"app": d.name}, CreationTimestamp: metav1.NewTime(now),
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: d.name + "-rs", Controller: &yes}}},
		Spec: corev1.PodSpec{
			NodeSelector: map[string]string{v1alpha1.LabelNodeGroup: groupName},
			Containers: []corev1.Container{{Name: "app", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse(d.cpu), corev1.ResourceMemory: resource.MustParse(d.mem)}}}},
		},
		Status: corev1.PodStatus{Phase: corev1.PodPending},
	}
}

// agent is a DaemonSet with a pod on every node: its requests count towards a node's
// utilization, a node running only it is empty, drains leave it, and scale-up sets its
// requests aside on new nodes.
var agent = func() appsv1.DaemonSet {
	p := newPod(deployment{name: "agent", cpu: "100m", mem: "128Mi"}, 0, start)
	p.Namespace, p.Spec.NodeSelector = "kube-system", nil
	return appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "agent"},
		Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: p.Labels}, Spec: p.Spec}}}
}()

// agentPod is agent's pod on node, running.
func agentPod(node string, now time.Time) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: agent.Namespace, Name: "agent-" + node, Labels: agent.Spec.Template.Labels,
		CreationTimestamp: metav1.NewTime(now),
		OwnerReferences:   []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: agent.Name, Controller: &yes}}},
		Spec: *agent.Spec.Template.Spec.DeepCopy(), Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	p.Spec.NodeName = node
	return p
}
