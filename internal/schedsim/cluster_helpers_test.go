package schedsim

import (
	corev1 "k8s.io/api/core/v1"
)

// pending turns a pod into a pending PodInfo with a class of its own, as Plan would.
func pending(p corev1.Pod) *PodInfo {
	info := NewPodInfo(&p, nil)
	Classify([]*PodInfo{info}, Resources{CPU: 1, Memory: 1})
	return info
}

// bound is a pod already running somewhere.
func bound(p corev1.Pod) *PodInfo { return NewPodInfo(&p, nil) }

// simulated builds a cluster of committed nodes named by their labels' hostname.
func simulated(nodes ...*Node) *Cluster {
	c := &Cluster{}
	for _, n := range nodes {
		c.AddNode(n)
	}
	return c
}

func simNodeWith(name string, labels map[string]string, pods ...*PodInfo) *Node {
	l := map[string]string{labelHostname: name}
	for k, v := range labels {
		l[k] = v
	}
	n := &Node{Name: name, Labels: l, Alloc: roomy, Free: roomy, Index: -1}
	for _, p := range pods {
		n.Add(p)
	}
	return n
}

// tried is a node being tried: not in the cluster.
func tried(labels map[string]string, pods ...*PodInfo) *Node {
	return simNodeWith(triedName, labels, pods...)
}

var roomy = Resources{CPU: 64000, Memory: 256 * gi, Storage: 1000 * gi, Pods: 110}

func zone(z string) map[string]string { return map[string]string{labelZone: z} }

func inNamespace(p corev1.Pod, ns string) corev1.Pod {
	p.Namespace = ns
	return p
}
