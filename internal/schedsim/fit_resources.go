package schedsim

// ResourcesFit is the scheduler's NodeResourcesFit filter against what a node has free. It
// runs in the hottest loop, so it names only the reason; callers word a message when they
// explain a pod (the scale-up planner against the offerings rather than one node).
func ResourcesFit(req, free Resources) Failure {
	switch {
	case req.Pods > free.Pods:
		return Failure{Reason: ReasonTooManyPods}
	case req.CPU > free.CPU:
		return Failure{Reason: ReasonInsufficientCPU}
	case req.Memory > free.Memory:
		return Failure{Reason: ReasonInsufficientMemory}
	case req.Storage > free.Storage:
		return Failure{Reason: ReasonInsufficientEphemeralStorage}
	}
	if len(req.Extended) > 0 {
		for name, v := range req.Extended {
			if v > free.Extended[name] {
				return Failure{Reason: ReasonInsufficientExtendedResource}
			}
		}
	}
	return Failure{}
}

// Within reports whether used fits in capacity in every dimension.
func Within(used, capacity Resources) bool {
	return ResourcesFit(used, capacity).OK()
}
