package scaledown

import (
	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// Result is the plan: nodes to drain and delete, and why every other managed node stays.
type Result struct {
	// Drains are the nodes to drain, in the order the planner chose them; within a group
	// the least disruptive first.
	Drains []Drain
	// Kept is every managed Node not chosen, sorted by name, with why.
	Kept []Verdict
}

// Drain asks for one Node to be drained and deleted with its VPSieNode.
type Drain struct {
	Node      string
	NodeGroup types.NamespacedName
	// VPSieNode is the name of the node's VPSieNode, in the NodeGroup's namespace.
	VPSieNode string
	Reason    Reason // ReasonEmpty, ReasonUnderutilized or ReasonAboveMaxNodes
	Message   string
	// Pods are the pods the drain evicts, sorted; DaemonSet and mirror pods stay.
	Pods []types.NamespacedName
	// Moves are where the simulation placed them, sorted by pod.
	Moves []schedsim.Placement
	// Stranded are pods no node left can take: only a drain down to maxNodes, which the
	// operator asked for, goes ahead with them; they wait as Pending.
	Stranded []types.NamespacedName
}

// Verdict is why a managed Node stays.
type Verdict struct {
	Node string
	// NodeGroup is zero for a managed Node that belongs to no known NodeGroup.
	NodeGroup types.NamespacedName
	Reason    Reason
	// Message is for humans: the numbers, the annotation, the budget or the volume that
	// decided.
	Message string
	// Pod is the pod that blocked the node, when one did.
	Pod types.NamespacedName
}
