package scaleup

// Reason says why the planner added a node or why a NodeGroup cannot take a pod. Its String
// is stable CamelCase, fit for metric labels and event reasons; never renumber or rename.
type Reason uint8

// The reasons. The zero value means "no reason" and never appears in a Result.
const (
	ReasonNone Reason = iota
	// Why an intent exists.
	ReasonPendingPods
	ReasonBelowMinNodes
	// Why a new node of the group cannot hold the pod.
	ReasonInsufficientCPU
	ReasonInsufficientMemory
	ReasonInsufficientEphemeralStorage
	ReasonInsufficientExtendedResource
	ReasonTooManyPods
	ReasonNodeSelectorMismatch
	ReasonNodeAffinityMismatch
	ReasonTaintNotTolerated
	ReasonAntiAffinity
	ReasonTopologySpread
	// Why the group cannot grow.
	ReasonMaxNodesReached
	ReasonScaleUpDisabled
	ReasonBackingOff
	ReasonInCooldown
	ReasonQuotaExhausted
	// Why the group's spec cannot be used at all.
	ReasonUnknownOffering
	ReasonUnknownDatacenter
	ReasonNoOfferingAvailable
	// Why a new node of the group cannot hold the pod (added after the first release of the
	// list: appended, never renumbered).
	ReasonHostPortConflict
	ReasonPodAffinity
	ReasonVolumeNodeAffinity
	// Why the group cannot grow: it is parked at maxNodes 0, or being deleted.
	ReasonGroupParked
	ReasonNodeGroupDeleting
	// Why the group cannot grow: its bootstrap configuration (user data template, SSH key
	// Secret) cannot make a node that joins with what the spec asks for.
	ReasonBootstrapConfigInvalid
	reasonCount
)

var reasonNames = [reasonCount]string{
	"None", "PendingPods", "BelowMinNodes",
	"InsufficientCPU", "InsufficientMemory", "InsufficientEphemeralStorage", "InsufficientExtendedResource",
	"TooManyPods", "NodeSelectorMismatch", "NodeAffinityMismatch", "TaintNotTolerated", "AntiAffinity",
	"TopologySpread", "MaxNodesReached", "ScaleUpDisabled", "BackingOff", "InCooldown", "QuotaExhausted",
	"UnknownOffering", "UnknownDatacenter", "NoOfferingAvailable", "HostPortConflict", "PodAffinity", "VolumeNodeAffinity",
	"GroupParked", "NodeGroupDeleting", "BootstrapConfigInvalid",
}

func (r Reason) String() string {
	if r >= reasonCount {
		return "Reason(" + itoa(int64(r)) + ")"
	}
	return reasonNames[r]
}

// Reasons lists every reason a Result may carry, for metrics that pre-register their labels.
func Reasons() []Reason {
	out := make([]Reason, 0, reasonCount-1)
	for r := ReasonNone + 1; r < reasonCount; r++ {
		out = append(out, r)
	}
	return out
}
