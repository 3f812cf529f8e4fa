package scaleup

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// pending turns a pod into a pending podInfo with a class of its own, as Plan would.
func pending(p corev1.Pod) *podInfo {
	info := newPodInfo(&p)
	classify([]*podInfo{info}, resources{cpu: 1, memory: 1})
	return info
}

// bound is a pod already running somewhere.
func bound(p corev1.Pod) *podInfo { return newPodInfo(&p) }

// simulated builds a cluster of committed nodes named by their labels' hostname.
func simulated(nodes ...*simNode) *cluster {
	c := &cluster{}
	for _, n := range nodes {
		c.addNode(n)
	}
	return c
}

func simNodeWith(name string, labels map[string]string, pods ...*podInfo) *simNode {
	l := map[string]string{labelHostname: name}
	for k, v := range labels {
		l[k] = v
	}
	n := &simNode{name: name, labels: l, alloc: roomy, free: roomy, index: -1}
	for _, p := range pods {
		n.add(p)
	}
	return n
}

// tried is a node being tried: not in the cluster.
func tried(labels map[string]string, pods ...*podInfo) *simNode {
	return simNodeWith(triedName, labels, pods...)
}

var roomy = resources{cpu: 64000, memory: 256 * gi, storage: 1000 * gi, pods: 110}

func zone(z string) map[string]string { return map[string]string{labelZone: z} }

func inNamespace(p corev1.Pod, ns string) corev1.Pod {
	p.Namespace = ns
	return p
}

// avoiding gives p a required anti-affinity term against pods labelled app=app on key.
func avoiding(p corev1.Pod, app, key string) corev1.Pod {
	if p.Spec.Affinity == nil {
		p.Spec.Affinity = &corev1.Affinity{}
	}
	p.Spec.Affinity.PodAntiAffinity = &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}},
		TopologyKey:   key,
	}}}
	return p
}

// spreading gives p a DoNotSchedule spread constraint over pods with its own app label.
func spreading(p corev1.Pod, key string, maxSkew int32) corev1.Pod {
	p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, corev1.TopologySpreadConstraint{
		MaxSkew: maxSkew, TopologyKey: key, WhenUnsatisfiable: corev1.DoNotSchedule,
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": p.Labels["app"]}},
	})
	return p
}
