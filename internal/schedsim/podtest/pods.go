package podtest

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Pod is a pending pod in namespace default with one container requesting cpu and mem,
// labelled app=name.
func Pod(name, cpu, mem string) corev1.Pod {
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{"app": name}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "c", Resources: corev1.ResourceRequirements{Requests: Requests(cpu, mem)},
		}}},
	}
}

// Requests is a resource list of cpu and mem; an empty string leaves the resource out.
func Requests(cpu, mem string) corev1.ResourceList {
	rl := corev1.ResourceList{}
	if cpu != "" {
		rl[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		rl[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	return rl
}

// WithApp gives the pod an app label shared by its replicas.
func WithApp(p corev1.Pod, app string) corev1.Pod {
	p.Labels = map[string]string{"app": app}
	return p
}

// Avoiding gives p a required anti-affinity term against pods labelled app on key.
func Avoiding(p corev1.Pod, app, key string) corev1.Pod {
	affinity(&p).PodAntiAffinity = &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: term(app, key)}
	return p
}

// Attracted gives p a required pod affinity term for pods labelled app on key.
func Attracted(p corev1.Pod, app, key string) corev1.Pod {
	affinity(&p).PodAffinity = &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: term(app, key)}
	return p
}

// Spreading gives p a DoNotSchedule spread constraint over pods with its own app label.
func Spreading(p corev1.Pod, key string, maxSkew int32) corev1.Pod {
	p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, corev1.TopologySpreadConstraint{
		MaxSkew: maxSkew, TopologyKey: key, WhenUnsatisfiable: corev1.DoNotSchedule,
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": p.Labels["app"]}},
	})
	return p
}

func affinity(p *corev1.Pod) *corev1.Affinity {
	if p.Spec.Affinity == nil {
		p.Spec.Affinity = &corev1.Affinity{}
	}
	return p.Spec.Affinity
}

func term(app, key string) []corev1.PodAffinityTerm {
	return []corev1.PodAffinityTerm{{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}, TopologyKey: key}}
}
