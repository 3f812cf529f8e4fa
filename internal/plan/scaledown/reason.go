package scaledown

import "strconv"

// Reason says why the planner drains a node or keeps it. Its String is stable CamelCase, fit
// for the `reason` metric label and event reasons; never renumber or rename.
type Reason uint8

// The reasons. The zero value means "no reason" and never appears in a Result.
const (
	ReasonNone Reason = iota
	// Why a node is drained.
	ReasonEmpty
	ReasonUnderutilized
	ReasonAboveMaxNodes
	// Why a managed node is not a candidate at all.
	ReasonNotInNodeGroup
	ReasonDrainInProgress
	ReasonScaleDownDisabled
	ReasonNotUnderutilized
	// Why a candidate stays: its group's limits.
	ReasonScaleUpCooldown
	ReasonScaleDownCooldown
	ReasonAtMinNodes
	ReasonDrainLimit
	// Why a candidate stays: the safety checks (see CheckType).
	ReasonProtectedNode
	ReasonDoNotDisrupt
	ReasonPodDisruptionBudget
	ReasonLocalStorage
	ReasonKubeSystemPod
	ReasonNoController
	// Why a candidate stays: a pod of it fits on no other node.
	ReasonPodsDoNotFit
	// Why a managed node is not a candidate: its VPSieNode is not Ready yet, or the node is
	// younger than its group's boot allowance (its ScaleUp run may still be working on it).
	ReasonNotReadyYet
	ReasonBooting
	// Why a managed node is not a candidate: its group's running rebalance holds it, as a
	// node it replaces (the run drains it itself) or as one it created.
	ReasonRebalancing
	reasonCount
)

var reasonNames = [reasonCount]string{
	"None", "Empty", "Underutilized", "AboveMaxNodes",
	"NotInNodeGroup", "DrainInProgress", "ScaleDownDisabled", "NotUnderutilized",
	"ScaleUpCooldown", "ScaleDownCooldown", "AtMinNodes", "DrainLimit",
	"ProtectedNode", "DoNotDisrupt", "PodDisruptionBudget", "LocalStorage", "KubeSystemPod", "NoController",
	"PodsDoNotFit", "NotReadyYet", "Booting", "Rebalancing",
}

// checkTypes are the `check_type` labels of the safety reasons.
var checkTypes = map[Reason]string{
	ReasonProtectedNode:       "protected_node",
	ReasonDoNotDisrupt:        "do_not_disrupt",
	ReasonPodDisruptionBudget: "pdb",
	ReasonLocalStorage:        "local_storage",
	ReasonKubeSystemPod:       "kube_system",
	ReasonNoController:        "no_controller",
}

func (r Reason) String() string {
	if r >= reasonCount {
		return "Reason(" + strconv.Itoa(int(r)) + ")"
	}
	return reasonNames[r]
}

// CheckType is the safety check that failed, as the `check_type` label of
// safety_check_failures_total (pdb, local_storage, kube_system, no_controller,
// do_not_disrupt, protected_node); empty for a reason that is not a safety check.
func (r Reason) CheckType() string { return checkTypes[r] }

// Drains reports whether the reason is why a node is drained, not why it stays.
func (r Reason) Drains() bool { return r >= ReasonEmpty && r <= ReasonAboveMaxNodes }

// Reasons lists every reason a Result may carry, for metrics that pre-register their labels.
func Reasons() []Reason {
	out := make([]Reason, 0, reasonCount-1)
	for r := ReasonNone + 1; r < reasonCount; r++ {
		out = append(out, r)
	}
	return out
}
