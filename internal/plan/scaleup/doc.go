// Package scaleup decides which VPSie nodes to add: it simulates the scheduler over a snapshot
// of nodes, pending pods, NodeGroups and the offering catalogue, and returns typed intents and,
// for every pod no node can take, why. It is pure: no clock, no I/O, same snapshot, same plan.
package scaleup
