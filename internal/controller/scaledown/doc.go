// Package scaledown is the scale-down controller: every interval it samples each managed
// node's utilization, plans on a snapshot of the cluster with the pure planner
// (internal/plan/scaledown), starts one DrainAndDelete workflow per node to remove, and
// shows on the Node, its NodeGroup and in metrics why every other candidate stays.
package scaledown
