package operator

import (
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// cacheOptions keeps the informer caches to what the product reads. Nodes and Pods are
// the big objects of a cluster: their managed fields, images, annotations of last
// applied configuration and the like are never read here, and at thousands of pods they
// dominate the autoscaler's memory.
func cacheOptions(o cache.Options) cache.Options {
	o.DefaultTransform = cache.TransformStripManagedFields()
	o.ByObject = map[client.Object]cache.ByObject{
		&corev1.Node{}: {Transform: stripNode},
		&corev1.Pod{}:  {Transform: stripPod},
	}
	return o
}

// lastApplied is kubectl's copy of the whole object, as large as the object itself.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// stripNode drops a Node's image list (often the largest part of its status), its
// managed fields and the last-applied copy.
func stripNode(obj any) (any, error) {
	n, ok := obj.(*corev1.Node)
	if !ok {
		return obj, nil
	}
	n.ManagedFields = nil
	n.Status.Images = nil
	n.Status.VolumesAttached = nil
	delete(n.Annotations, lastApplied)
	return n, nil
}

// stripPod drops what scheduling simulation and drain never read: managed fields, the
// last-applied copy, container statuses' details, env and commands. Requests, limits,
// selectors, affinities, tolerations, volumes (local storage checks), owner references
// and conditions stay.
func stripPod(obj any) (any, error) {
	p, ok := obj.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	p.ManagedFields = nil
	delete(p.Annotations, lastApplied)
	for _, cs := range [][]corev1.Container{p.Spec.InitContainers, p.Spec.Containers} {
		for i := range cs {
			stripContainer(&cs[i])
		}
	}
	p.Status.ContainerStatuses = nil
	p.Status.InitContainerStatuses = nil
	p.Status.EphemeralContainerStatuses = nil
	return p, nil
}

func stripContainer(c *corev1.Container) {
	c.Env, c.EnvFrom, c.Command, c.Args = nil, nil, nil, nil
	c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = nil, nil, nil
	c.VolumeMounts = nil
}
