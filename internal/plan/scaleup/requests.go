package scaleup

import corev1 "k8s.io/api/core/v1"

// podRequests is what the scheduler reserves for a pod, computed as kube-scheduler does:
//   - regular containers and sidecars (init containers with restartPolicy Always) run
//     together, so their requests add up;
//   - each other init container runs alone, next to the sidecars started before it, so only
//     the largest such moment counts: max(sum of containers, max over init containers);
//   - pod-level requests (spec.resources) replace the container total for CPU and memory;
//   - the RuntimeClass overhead comes on top.
func podRequests(spec *corev1.PodSpec) resources {
	var reqs, sidecars, initPeak resources
	for i := range spec.Containers {
		reqs = reqs.plus(fromList(spec.Containers[i].Resources.Requests))
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		r := fromList(c.Resources.Requests)
		if isSidecar(c) {
			reqs = reqs.plus(r)
			sidecars = sidecars.plus(r)
			r = sidecars
		} else {
			r = r.plus(sidecars)
		}
		initPeak = initPeak.max(r)
	}
	reqs = reqs.max(initPeak)
	if spec.Resources != nil {
		reqs = podLevel(reqs, spec.Resources.Requests)
	}
	reqs = reqs.plus(fromList(spec.Overhead))
	reqs.pods = 1
	return reqs
}

func isSidecar(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// podLevel applies pod-level requests, which the scheduler honours for CPU and memory only.
func podLevel(reqs resources, podReqs corev1.ResourceList) resources {
	if q, ok := podReqs[corev1.ResourceCPU]; ok {
		reqs.cpu = q.MilliValue()
	}
	if q, ok := podReqs[corev1.ResourceMemory]; ok {
		reqs.memory = q.Value()
	}
	return reqs
}

// PodRequests is the CPU (millicores) and memory (bytes) the scheduler reserves for a pod
// with this spec; see podRequests for how init containers, sidecars and overhead count.
func PodRequests(spec *corev1.PodSpec) (cpuMilli, memoryBytes int64) {
	r := podRequests(spec)
	return r.cpu, r.memory
}
