package scaleup

// resourcesFit is the scheduler's NodeResourcesFit filter against what a node has free. It
// runs in the hottest loop, so it names only the reason; the planner words a message when it
// explains a pod, against the offerings rather than one node.
func resourcesFit(req, free resources) failure {
	switch {
	case req.pods > free.pods:
		return failure{reason: ReasonTooManyPods}
	case req.cpu > free.cpu:
		return failure{reason: ReasonInsufficientCPU}
	case req.memory > free.memory:
		return failure{reason: ReasonInsufficientMemory}
	case req.storage > free.storage:
		return failure{reason: ReasonInsufficientEphemeralStorage}
	}
	if len(req.extended) > 0 {
		for name, v := range req.extended {
			if v > free.extended[name] {
				return failure{reason: ReasonInsufficientExtendedResource}
			}
		}
	}
	return failure{}
}

// within reports whether used fits in capacity in every dimension.
func within(used, capacity resources) bool {
	return resourcesFit(used, capacity).ok()
}
