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
	pods := newSharer()
	o.ByObject = map[client.Object]cache.ByObject{
		&corev1.Node{}: {Transform: stripNode},
		&corev1.Pod{}:  {Transform: func(obj any) (any, error) { return stripPod(pods, obj) }},
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

// stripPod drops what scheduling simulation, drain and status never read: managed fields,
// the last-applied copy, container statuses, containers' env, commands and probes, the
// sources of projected volumes (the service account token every pod mounts), addresses
// and start time, and every condition but PodScheduled. Requests, limits, ports,
// selectors, affinities, tolerations, volumes' kinds and claims (local storage and
// volume checks), owner references, phase and PodScheduled stay
// (TestPodTransformKeepsWhatTheProductReads). The parts replicas have in common
// (containers, tolerations, affinity, spread constraints, labels) are then shared
// between equal pods.
func stripPod(s *sharer, obj any) (any, error) {
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
	for i := range p.Spec.Volumes {
		if v := &p.Spec.Volumes[i]; v.Projected != nil {
			v.Projected = &corev1.ProjectedVolumeSource{}
		}
	}
	stripPodStatus(&p.Status)
	sharePodParts(s, p)
	return p, nil
}

// stripPodStatus keeps the phase, reason and message, and the PodScheduled condition
// (pending pods, and when they became so).
func stripPodStatus(st *corev1.PodStatus) {
	st.ContainerStatuses = nil
	st.InitContainerStatuses = nil
	st.EphemeralContainerStatuses = nil
	st.PodIP, st.PodIPs, st.HostIP, st.HostIPs, st.StartTime = "", nil, "", nil, nil
	var scheduled []corev1.PodCondition
	for _, c := range st.Conditions {
		if c.Type == corev1.PodScheduled {
			scheduled = []corev1.PodCondition{c}
		}
	}
	st.Conditions = scheduled
}

// sharePodParts points p's common parts at the canonical copies.
func sharePodParts(s *sharer, p *corev1.Pod) {
	if len(p.Spec.Containers) > 0 {
		p.Spec.Containers = share(s, "containers", p.Spec.Containers)
	}
	if len(p.Spec.InitContainers) > 0 {
		p.Spec.InitContainers = share(s, "initContainers", p.Spec.InitContainers)
	}
	if len(p.Spec.Tolerations) > 0 {
		p.Spec.Tolerations = share(s, "tolerations", p.Spec.Tolerations)
	}
	if p.Spec.Affinity != nil {
		p.Spec.Affinity = share(s, "affinity", p.Spec.Affinity)
	}
	if len(p.Spec.TopologySpreadConstraints) > 0 {
		p.Spec.TopologySpreadConstraints = share(s, "spread", p.Spec.TopologySpreadConstraints)
	}
	if len(p.Spec.NodeSelector) > 0 {
		p.Spec.NodeSelector = share(s, "nodeSelector", p.Spec.NodeSelector)
	}
	if len(p.Labels) > 0 {
		p.Labels = share(s, "labels", p.Labels)
	}
}

// stripContainer keeps a container's name, image, resources and ports.
func stripContainer(c *corev1.Container) {
	c.Env, c.EnvFrom, c.Command, c.Args = nil, nil, nil, nil
	c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = nil, nil, nil
	c.VolumeMounts, c.VolumeDevices = nil, nil
	c.Lifecycle, c.SecurityContext = nil, nil
	c.TerminationMessagePath, c.TerminationMessagePolicy, c.ImagePullPolicy = "", "", ""
}
