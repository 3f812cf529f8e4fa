package scaleup

import (
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func withGroup(name string, edit func(*v1alpha1.NodeGroupSpec), offerings ...string) *v1alpha1.NodeGroup {
	g := nodeGroup(name, offerings...)
	edit(&g.Spec)
	return g
}

func daemonSet(name, cpu string, tolerations ...corev1.Toleration) *appsv1.DaemonSet {
	p := pod(name, cpu, "100Mi")
	p.Spec.Tolerations = tolerations
	return &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: name},
		Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{ObjectMeta: p.ObjectMeta, Spec: p.Spec}}}
}

// twoDCs spreads a group over dc1 and dc2.
func twoDCs(s *v1alpha1.NodeGroupSpec) {
	s.DatacenterID = ""
	s.Datacenters = []v1alpha1.DatacenterPlacement{{ID: "dc1"}, {ID: "dc2"}}
}

// planCase is a snapshot and what planning it must give.
type planCase struct {
	name          string
	snap          Snapshot
	want          []placement
	unschedulable int
}

// runPlanCases plans each case, offering small and large nodes unless the case names others.
func runPlanCases(t *testing.T, tests []planCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.snap.Now = now
			if tt.snap.Offerings == nil {
				tt.snap.Offerings = []Offering{offer("small", 2, 4, 10), offer("large", 8, 16, 35)}
			}
			r := Plan(tt.snap, DefaultOptions())
			if got := placements(r); !slices.Equal(got, tt.want) {
				t.Errorf("intents = %+v, want %+v", got, tt.want)
			}
			if len(r.Unschedulable) != tt.unschedulable {
				t.Errorf("%d unschedulable, want %d: %+v", len(r.Unschedulable), tt.unschedulable, r.Unschedulable)
			}
		})
	}
}

// placement is one intent reduced to what these tests compare.
type placement struct {
	group, offering, dc string
	count               int32
	reason              Reason
	pods                int
}

func placements(r Result) []placement {
	var out []placement
	for _, in := range r.Intents {
		out = append(out, placement{in.NodeGroup.Name, in.Offering, in.Datacenter, in.Count, in.Reason, len(in.Pods)})
	}
	return out
}

func antiReplicas(n int) []corev1.Pod {
	pods := replicas("db", n, "1", "1Gi")
	for i := range pods {
		pods[i] = avoiding(pods[i], "db", labelHostname)
	}
	return pods
}

func zoneReplicas(n int) []corev1.Pod {
	pods := replicas("web", n, "500m", "512Mi")
	for i := range pods {
		pods[i] = spreading(pods[i], labelZone, 1)
	}
	return pods
}

func tolerating(pods []corev1.Pod) []corev1.Pod {
	for i := range pods {
		pods[i].Spec.Tolerations = []corev1.Toleration{{Key: "t", Operator: corev1.TolerationOpExists}}
	}
	return pods
}

func required(terms ...corev1.NodeSelectorTerm) *corev1.Affinity {
	return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: terms},
	}}
}

func expr(key string, op corev1.NodeSelectorOperator, values ...string) corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: key, Operator: op, Values: values}}}
}
