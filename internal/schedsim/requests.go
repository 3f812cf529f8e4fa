package schedsim

import corev1 "k8s.io/api/core/v1"

// podRequests is what the scheduler reserves for a pod, computed as kube-scheduler does:
//   - regular containers and sidecars (init containers with restartPolicy Always) run
//     together, so their requests add up;
//   - each other init container runs alone, next to the sidecars started before it, so only
//     the largest such moment counts: max(sum of containers, max over init containers);
//   - pod-level requests (spec.Resources) replace the container total for CPU and memory;
//   - the RuntimeClass overhead comes on top.
func podRequests(spec *corev1.PodSpec) Resources {
	var reqs, sidecars, initPeak Resources
	for i := range spec.Containers {
		reqs = reqs.Plus(fromList(spec.Containers[i].Resources.Requests))
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		r := fromList(c.Resources.Requests)
		if isSidecar(c) {
			reqs = reqs.Plus(r)
			sidecars = sidecars.Plus(r)
			r = sidecars
		} else {
			r = r.Plus(sidecars)
		}
		initPeak = initPeak.Max(r)
	}
	reqs = reqs.Max(initPeak)
	if spec.Resources != nil {
		reqs = podLevel(reqs, spec.Resources.Requests)
	}
	reqs = reqs.Plus(fromList(spec.Overhead))
	reqs.Pods = 1
	return reqs
}

func isSidecar(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// podLevel applies pod-level requests, which the scheduler honours for CPU and memory only.
func podLevel(reqs Resources, podReqs corev1.ResourceList) Resources {
	if q, ok := podReqs[corev1.ResourceCPU]; ok {
		reqs.CPU = q.MilliValue()
	}
	if q, ok := podReqs[corev1.ResourceMemory]; ok {
		reqs.Memory = q.Value()
	}
	return reqs
}

// PodRequests is the CPU (millicores) and memory (bytes) the scheduler reserves for a pod
// with this spec; see podRequests for how init containers, sidecars and overhead count.
func PodRequests(spec *corev1.PodSpec) (cpuMilli, memoryBytes int64) {
	r := podRequests(spec)
	return r.CPU, r.Memory
}
