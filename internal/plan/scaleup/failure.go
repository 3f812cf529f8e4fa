package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// failure is why a group cannot take a pod or cannot grow: the zero value passes. Predicate
// verdicts come from schedsim and are converted with fromSim.
type failure struct {
	reason  Reason
	message string
}

func (f failure) ok() bool { return f.reason == ReasonNone }

func fail(r Reason, message string) failure { return failure{reason: r, message: message} }

// simReasons maps each predicate reason of the simulation to the planner's reason of the
// same name; reason_test checks the names agree.
var simReasons = map[schedsim.Reason]Reason{
	schedsim.ReasonNone:                         ReasonNone,
	schedsim.ReasonInsufficientCPU:              ReasonInsufficientCPU,
	schedsim.ReasonInsufficientMemory:           ReasonInsufficientMemory,
	schedsim.ReasonInsufficientEphemeralStorage: ReasonInsufficientEphemeralStorage,
	schedsim.ReasonInsufficientExtendedResource: ReasonInsufficientExtendedResource,
	schedsim.ReasonTooManyPods:                  ReasonTooManyPods,
	schedsim.ReasonNodeSelectorMismatch:         ReasonNodeSelectorMismatch,
	schedsim.ReasonNodeAffinityMismatch:         ReasonNodeAffinityMismatch,
	schedsim.ReasonTaintNotTolerated:            ReasonTaintNotTolerated,
	schedsim.ReasonAntiAffinity:                 ReasonAntiAffinity,
	schedsim.ReasonTopologySpread:               ReasonTopologySpread,
	schedsim.ReasonHostPortConflict:             ReasonHostPortConflict,
	schedsim.ReasonPodAffinity:                  ReasonPodAffinity,
	schedsim.ReasonVolumeNodeAffinity:           ReasonVolumeNodeAffinity,
}

// fromSim converts a predicate's verdict into the planner's.
func fromSim(f schedsim.Failure) failure {
	return failure{reason: simReasons[f.Reason], message: f.Message}
}
