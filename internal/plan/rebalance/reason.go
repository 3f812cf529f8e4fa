package rebalance

import (
	"strconv"

	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
)

// Reason says why a node is replaced, or why a node or a group is left out. Its String is
// stable CamelCase for metric labels, events and the workflow input; never renumber or rename.
type Reason uint8

// The reasons. The zero value means "no reason".
const (
	ReasonNone Reason = iota
	// Why a node is replaced (Reason.Replaces).
	ReasonCheaperOffering
	ReasonOfferingNotAllowed
	ReasonImageChanged
	ReasonKubernetesVersionChanged
	// Why a node is left out.
	ReasonNotManaged
	ReasonDrainInProgress
	ReasonNodeNotReady
	ReasonUnknownOffering
	ReasonNoCheaperFit
	ReasonNoFittingOffering
	// The scale-down safety checks, the same rules for every disruption.
	ReasonProtectedNode
	ReasonDoNotDisrupt
	ReasonPodDisruptionBudget
	ReasonLocalStorage
	ReasonKubeSystemPod
	ReasonNoController
	// Why a whole group is left out (its nodes carry the same reason).
	ReasonRebalanceDisabled
	ReasonRebalanceInProgress
	ReasonCooldown
	ReasonOutsideMaintenanceWindow
	ReasonInvalidMaintenanceWindow
	ReasonGroupUnhealthy
	ReasonNothingToReplace
	// The group's user data template or SSH key Secret cannot make a replacement (added
	// after the first release of the list: appended, never renumbered).
	ReasonBootstrapConfigInvalid
	reasonCount
)

var reasonNames = [reasonCount]string{
	"None",
	"CheaperOffering", "OfferingNotAllowed", "ImageChanged", "KubernetesVersionChanged",
	"NotManaged", "DrainInProgress", "NodeNotReady", "UnknownOffering", "NoCheaperFit", "NoFittingOffering",
	"ProtectedNode", "DoNotDisrupt", "PodDisruptionBudget", "LocalStorage", "KubeSystemPod", "NoController",
	"RebalanceDisabled", "RebalanceInProgress", "Cooldown", "OutsideMaintenanceWindow", "InvalidMaintenanceWindow",
	"GroupUnhealthy", "NothingToReplace", "BootstrapConfigInvalid",
}

func (r Reason) String() string {
	if r >= reasonCount {
		return "Reason(" + strconv.Itoa(int(r)) + ")"
	}
	return reasonNames[r]
}

// Replaces reports whether the reason is why a node is replaced.
func (r Reason) Replaces() bool {
	return r >= ReasonCheaperOffering && r <= ReasonKubernetesVersionChanged
}

// Drift reports whether the node no longer matches its NodeGroup's spec.
func (r Reason) Drift() bool {
	return r >= ReasonOfferingNotAllowed && r <= ReasonKubernetesVersionChanged
}

// Reasons lists every reason a Result may carry, for metrics that pre-register labels.
func Reasons() []Reason {
	out := make([]Reason, 0, reasonCount-1)
	for r := ReasonNone + 1; r < reasonCount; r++ {
		out = append(out, r)
	}
	return out
}

// safetyReasons maps the scale-down checks to this package's reasons.
var safetyReasons = map[scaledown.Reason]Reason{
	scaledown.ReasonProtectedNode:       ReasonProtectedNode,
	scaledown.ReasonDoNotDisrupt:        ReasonDoNotDisrupt,
	scaledown.ReasonPodDisruptionBudget: ReasonPodDisruptionBudget,
	scaledown.ReasonLocalStorage:        ReasonLocalStorage,
	scaledown.ReasonKubeSystemPod:       ReasonKubeSystemPod,
	scaledown.ReasonNoController:        ReasonNoController,
}
