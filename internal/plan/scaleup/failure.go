package scaleup

// failure is a predicate's verdict: the zero value passes.
type failure struct {
	reason  Reason
	message string
}

func (f failure) ok() bool { return f.reason == ReasonNone }

func fail(r Reason, message string) failure { return failure{reason: r, message: message} }

// The stages of a pod through a template's predicates, in the order staticFit and the
// allocatable check run them.
const (
	stageTaints = iota
	stageSelector
	stageAffinity
	stageResources
	stagePassed
)

// stage is how far through the predicates a pod got. When every template of a group rejects
// a pod, the failure that came latest explains best: "needs 40 CPU" on the large offerings
// says more than "instance-type mismatch" on the small ones.
func (f failure) stage() int {
	switch f.reason {
	case ReasonNone:
		return stagePassed
	case ReasonTaintNotTolerated:
		return stageTaints
	case ReasonNodeSelectorMismatch:
		return stageSelector
	case ReasonNodeAffinityMismatch:
		return stageAffinity
	}
	return stageResources
}

// staticFit runs the predicates that depend only on the node's labels and taints, never on
// what runs there. Their results are the same for every new node of a template, so the
// planner computes them once per pod class and template.
func staticFit(p *podInfo, n *simNode) failure {
	if f := taintsTolerated(p.pod.Spec.Tolerations, n.taints); !f.ok() {
		return f
	}
	if f := nodeSelectorMatches(p.pod.Spec.NodeSelector, n.labels); !f.ok() {
		return f
	}
	return requiredAffinityMatches(p.pod.Spec.Affinity, n.name, n.labels)
}

// dynamicFit runs the predicates that depend on what the node already holds.
func (c *cluster) dynamicFit(p *podInfo, n *simNode) failure {
	if f := resourcesFit(p.req, n.free); !f.ok() {
		return f
	}
	if f := c.antiAffinityAllows(p, n); !f.ok() {
		return f
	}
	return c.spreadAllows(p, n)
}
