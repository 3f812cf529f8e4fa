package scaleup

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestPlanPutsPodsWhereTheyAreWelcome(t *testing.T) {
	runPlanCases(t, []planCase{
		{
			name: "a pod goes to the group whose labels it selects",
			snap: Snapshot{
				NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("a", "small"), withGroup("b", func(s *v1alpha1.NodeGroupSpec) { s.Labels = map[string]string{"disk": "ssd"} }, "large")},
				Pending: ptrs([]corev1.Pod{func() corev1.Pod {
					p := pod("p", "1", "1Gi")
					p.Spec.NodeSelector = map[string]string{"disk": "ssd"}
					return p
				}()}),
			},
			want: []placement{{"b", "large", "dc1", 1, ReasonPendingPods, 1}},
		},
		{
			name: "a tainted group takes only pods that tolerate it, however cheap it is",
			snap: Snapshot{
				NodeGroups: []*v1alpha1.NodeGroup{withGroup("gpu", func(s *v1alpha1.NodeGroupSpec) {
					s.Taints = []corev1.Taint{{Key: "gpu", Effect: corev1.TaintEffectNoSchedule}}
				}, "small"), nodeGroup("plain", "large")},
				Pending: ptrs([]corev1.Pod{pod("q", "1", "1Gi")}),
			},
			want: []placement{{"plain", "large", "dc1", 1, ReasonPendingPods, 1}},
		},
		{
			name: "hostname anti-affinity gives each replica its own node",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "large")}, Pending: ptrs(antiReplicas(3))},
			want: []placement{{"g", "large", "dc1", 3, ReasonPendingPods, 3}},
		},
		{
			name: "zone spread spreads new nodes over the group's datacenters",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", twoDCs, "small")}, Pending: ptrs(zoneReplicas(4))},
			want: []placement{{"g", "small", "dc1", 1, ReasonPendingPods, 2}, {"g", "small", "dc2", 1, ReasonPendingPods, 2}},
		},
		{
			name: "daemonset requests are set aside on new nodes",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "small")}, DaemonSets: []*appsv1.DaemonSet{daemonSet("agent", "1")}, Pending: ptrs(replicas("web", 2, "1", "1Gi"))},
			want: []placement{{"g", "small", "dc1", 2, ReasonPendingPods, 2}},
		},
		{
			name: "a daemonset that does not tolerate the group's taint takes nothing there",
			snap: Snapshot{
				NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", func(s *v1alpha1.NodeGroupSpec) {
					s.Taints = []corev1.Taint{{Key: "t", Effect: corev1.TaintEffectNoSchedule}}
				}, "small")},
				DaemonSets: []*appsv1.DaemonSet{daemonSet("agent", "1")},
				Pending:    ptrs(tolerating(replicas("web", 2, "1", "1Gi"))),
			},
			want: []placement{{"g", "small", "dc1", 1, ReasonPendingPods, 2}},
		},
		{
			name: "pending DaemonSet pods are not planned for",
			snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "small")}, Pending: ptrs([]corev1.Pod{func() corev1.Pod {
				p := pod("agent-x", "1", "1Gi")
				p.OwnerReferences = []metav1.OwnerReference{{Kind: "DaemonSet", Name: "agent", Controller: ptr.To(true)}}
				return p
			}()})},
		},
	})
}
