package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// Options tune the planner: the simulation's node model, and how it chooses offerings. The
// zero value reserves nothing, allows 110 pods per node and never prefers a dearer offering.
type Options struct {
	schedsim.Options
	// PreferredTolerance is how much dearer, as a fraction, a NodeGroup's preferredInstanceType
	// may be than the cheapest choice and still be picked: 0.1 accepts up to 10% more.
	PreferredTolerance float64
	// SchedulerRounds is how many times the plan is checked against kube-scheduler's queue order and scores,
	// buying for the pods the scheduler would leave pending (see replayScheduler); 0 plans without the check.
	SchedulerRounds int
}

// Reserve is an amount of node resources kept from pods.
type Reserve = schedsim.Reserve

// DefaultOptions mirrors a kubelet with default flags (hard eviction at 100Mi of memory,
// 110 pods) and picks the preferred offering when it costs at most 10% more.
func DefaultOptions() Options {
	return Options{Options: schedsim.DefaultOptions(), PreferredTolerance: 0.1}
}
