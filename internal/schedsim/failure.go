package schedsim

// Failure is a predicate's verdict: the zero value passes. Message is empty for resource
// shortfalls, which callers word against what they compare with (a node, an offering).
type Failure struct {
	Reason  Reason
	Message string
}

// OK reports a passing verdict.
func (f Failure) OK() bool { return f.Reason == ReasonNone }

func fail(r Reason, message string) Failure { return Failure{Reason: r, Message: message} }

// The stages of a pod through a node's predicates, in the order StaticFit and the resource
// check run them.
const (
	StageTaints = iota
	StageSelector
	StageAffinity
	StageResources
	StagePassed
)

// Stage is how far through the predicates a pod got. When every node or template rejects a
// pod, the Failure that came latest explains best: "needs 40 CPU" on the large offerings
// says more than "instance-type mismatch" on the small ones.
func (f Failure) Stage() int {
	switch f.Reason {
	case ReasonNone:
		return StagePassed
	case ReasonTaintNotTolerated:
		return StageTaints
	case ReasonNodeSelectorMismatch:
		return StageSelector
	case ReasonNodeAffinityMismatch, ReasonVolumeNodeAffinity:
		return StageAffinity
	}
	return StageResources
}

// StaticFit runs the predicates that depend only on the node's labels and taints (taints, node
// selector, node affinity, the pod's volumes' node affinity and zones), never on
// what runs there. Their results are the same for every new node of a template, so the
// scale-up planner computes them once per pod class and template.
func StaticFit(p *PodInfo, n *Node) Failure {
	if f := taintsTolerated(p.Pod.Spec.Tolerations, n.Taints); !f.OK() {
		return f
	}
	if f := nodeSelectorMatches(p.Pod.Spec.NodeSelector, n.Labels); !f.OK() {
		return f
	}
	if f := requiredAffinityMatches(p.Pod.Spec.Affinity, n.Name, n.Labels); !f.OK() {
		return f
	}
	return volumesAllow(p, n.Name, n.Labels)
}

// DynamicFit runs the predicates that depend on what the node already holds: resources,
// host ports, required pod affinity, required pod anti-affinity both ways and hard topology
// spread.
func (c *Cluster) DynamicFit(p *PodInfo, n *Node) Failure {
	if f := ResourcesFit(p.Req, n.Free); !f.OK() {
		return f
	}
	if f := hostPortsFree(p, n); !f.OK() {
		return f
	}
	if f := c.podAffinityAllows(p, n); !f.OK() {
		return f
	}
	if f := c.antiAffinityAllows(p, n); !f.OK() {
		return f
	}
	return c.spreadAllows(p, n)
}
