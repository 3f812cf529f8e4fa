package schedsim

import "strconv"

// Reason says why a predicate refuses a pod a node. Its String is stable CamelCase, fit for
// metric labels and event reasons, and equal to the String of the scale-up planner's reason
// of the same name; never renumber or rename.
type Reason uint8

// The reasons. The zero value means the pod fits.
const (
	ReasonNone Reason = iota
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
	ReasonHostPortConflict
	ReasonPodAffinity
	ReasonVolumeNodeAffinity
	reasonCount
)

var reasonNames = [reasonCount]string{
	"None", "InsufficientCPU", "InsufficientMemory", "InsufficientEphemeralStorage", "InsufficientExtendedResource",
	"TooManyPods", "NodeSelectorMismatch", "NodeAffinityMismatch", "TaintNotTolerated", "AntiAffinity",
	"TopologySpread", "HostPortConflict", "PodAffinity", "VolumeNodeAffinity",
}

func (r Reason) String() string {
	if r >= reasonCount {
		return "Reason(" + strconv.Itoa(int(r)) + ")"
	}
	return reasonNames[r]
}

// Reasons lists every reason a predicate may return, ReasonNone aside.
func Reasons() []Reason {
	out := make([]Reason, 0, reasonCount-1)
	for r := ReasonNone + 1; r < reasonCount; r++ {
		out = append(out, r)
	}
	return out
}
