package operator

import (
	"slices"
	"unique"

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
	pods, nodes := newSharer(), newSharer()
	o.ByObject = map[client.Object]cache.ByObject{
		&corev1.Node{}: {Transform: func(obj any) (any, error) { return stripNode(nodes, obj) }},
		&corev1.Pod{}:  {Transform: func(obj any) (any, error) { return stripPod(pods, obj) }},
	}
	return o
}

// lastApplied is kubectl's copy of the whole object, as large as the object itself.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// stripNode drops a Node's image list (often the largest part of its status), its
// managed fields and the last-applied copy; nodes of one size share their capacity and
// allocatable lists.
func stripNode(s *sharer, obj any) (any, error) {
	n, ok := obj.(*corev1.Node)
	if !ok {
		return obj, nil
	}
	n.ManagedFields = nil
	n.Status.Images = nil
	n.Status.VolumesAttached = nil
	delete(n.Annotations, lastApplied)
	if len(n.Status.Capacity) > 0 {
		n.Status.Capacity = share(s, "capacity", n.Status.Capacity)
	}
	if len(n.Status.Allocatable) > 0 {
		n.Status.Allocatable = share(s, "allocatable", n.Status.Allocatable)
	}
	return n, nil
}

// stripPod drops what scheduling simulation, drain and status never read: managed fields,
// the last-applied copy, container statuses, containers' env, commands and probes,
// projected volumes (the service account token every pod mounts), addresses
// and start time, and every condition but PodScheduled. Requests, limits, ports,
// selectors, affinities, tolerations, volumes' kinds and claims (local storage and
// volume checks), owner references, phase and PodScheduled stay
// (TestPodTransformKeepsEverythingButWhatItDocumentsDropping). The parts replicas have
// in common (containers, volumes, tolerations, affinity, spread constraints, labels,
// owner references, and small strings and numbers) are then shared between equal pods.
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
	// A projected volume holds no data on the node: neither drain nor the volume checks
	// read one.
	p.Spec.Volumes = slices.DeleteFunc(p.Spec.Volumes, func(v corev1.Volume) bool { return v.Projected != nil })
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
	sharePodScalars(s, p)
	if len(p.Spec.Volumes) > 0 {
		p.Spec.Volumes = share(s, "volumes", p.Spec.Volumes)
	} else {
		p.Spec.Volumes = nil
	}
	if len(p.OwnerReferences) > 0 {
		p.OwnerReferences = share(s, "owners", p.OwnerReferences)
	}
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

// sharePodScalars shares the strings and pointers every pod of a namespace, node or
// workload repeats: each is an allocation of its own per pod otherwise.
func sharePodScalars(s *sharer, p *corev1.Pod) {
	p.Namespace, p.GenerateName = unique.Make(p.Namespace).Value(), unique.Make(p.GenerateName).Value()
	sp := &p.Spec
	sp.NodeName, sp.SchedulerName = unique.Make(sp.NodeName).Value(), unique.Make(sp.SchedulerName).Value()
	sp.ServiceAccountName = unique.Make(sp.ServiceAccountName).Value()
	sp.DeprecatedServiceAccount = unique.Make(sp.DeprecatedServiceAccount).Value()
	sp.PriorityClassName = unique.Make(sp.PriorityClassName).Value()
	sp.RestartPolicy, sp.DNSPolicy = unique.Make(sp.RestartPolicy).Value(), unique.Make(sp.DNSPolicy).Value()
	p.Status.Phase, p.Status.QOSClass = unique.Make(p.Status.Phase).Value(), unique.Make(p.Status.QOSClass).Value()
	if sp.TerminationGracePeriodSeconds != nil {
		sp.TerminationGracePeriodSeconds = share(s, "gracePeriod", sp.TerminationGracePeriodSeconds)
	}
	if sp.Priority != nil {
		sp.Priority = share(s, "priority", sp.Priority)
	}
	if sp.EnableServiceLinks != nil {
		sp.EnableServiceLinks = share(s, "serviceLinks", sp.EnableServiceLinks)
	}
	if sp.PreemptionPolicy != nil {
		sp.PreemptionPolicy = share(s, "preemption", sp.PreemptionPolicy)
	}
}
