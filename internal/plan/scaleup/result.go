package scaleup

import "k8s.io/apimachinery/pkg/types"

// Result is the plan: nodes to add, pods existing capacity absorbs, and why the rest wait.
type Result struct {
	// Intents are the nodes to create, one entry per group, offering, datacenter and reason.
	Intents []Intent
	// Existing are pending pods that fit on a Node or an in-flight VPSieNode as the cluster
	// is: they need nothing new, only the scheduler's next attempt or the node's boot.
	Existing []Placement
	// Unschedulable are pods no new node can take, each with every NodeGroup's verdict.
	Unschedulable []Unschedulable
	// Groups are NodeGroups that cannot grow at all, or cannot reach minNodes, and why.
	Groups []Verdict
}

// Intent asks for Count nodes of one offering in one datacenter for one NodeGroup.
type Intent struct {
	NodeGroup  types.NamespacedName
	Offering   string
	Datacenter string
	Count      int32
	// Pods are the pending pods the simulation placed on these nodes, sorted.
	Pods []types.NamespacedName
	// NodePods are, for each of the Count nodes, the pending pods the simulation placed on it,
	// sorted: what to nominate each node's pods to once the nodes are named.
	NodePods [][]types.NamespacedName
	// After are pending pods that fit a Node or a booting node only once these nodes run
	// their pods (they lift a topology spread's lowest domain), sorted: the scheduler
	// refuses them today, so they wait for this scale-up, not for the capacity they land on.
	After []types.NamespacedName
	// MonthlyPrice is what all Count nodes cost together per month.
	MonthlyPrice float64
	Reason       Reason
	// Fallbacks are where its nodes may go when VPSie has no capacity for the offering in
	// the datacenter, in the order to try them (see planner.fallbacks).
	Fallbacks []Fallback
}

// Unschedulable is a pod that fits nowhere, with one verdict per NodeGroup.
type Unschedulable struct {
	Pod      types.NamespacedName
	Verdicts []Verdict
}

// Verdict is why one NodeGroup cannot take a pod, or cannot grow at all.
type Verdict struct {
	NodeGroup types.NamespacedName
	Reason    Reason
	// Message is for humans: it names the numbers, the taint or the label that decided.
	Message string
}

// MonthlyPrice is what the intents cost together per month.
func (r Result) MonthlyPrice() float64 {
	var sum float64
	for _, in := range r.Intents {
		sum += in.MonthlyPrice
	}
	return sum
}

// NewNodes counts the nodes the intents ask for.
func (r Result) NewNodes() int32 {
	var n int32
	for _, in := range r.Intents {
		n += in.Count
	}
	return n
}

// Reason is why the pod waits, in one word: the reason of its Meant verdict.
func (u Unschedulable) Reason() Reason {
	v, _ := u.Meant()
	return v.Reason
}

// Meant is the verdict that says why the pod waits: the first of a group meant for pods like
// it (one whose nodes it selects and whose taints it tolerates), else the first. A group the
// pod does not select says nothing about why it waits, and which group sorts first is an
// accident of names. False when no group gave a verdict.
func (u Unschedulable) Meant() (Verdict, bool) {
	for _, v := range u.Verdicts {
		switch v.Reason {
		case ReasonNodeSelectorMismatch, ReasonNodeAffinityMismatch, ReasonTaintNotTolerated:
		default:
			return v, true
		}
	}
	if len(u.Verdicts) > 0 {
		return u.Verdicts[0], true
	}
	return Verdict{}, false
}
