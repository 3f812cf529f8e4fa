// Package planinput maps one clusterview.View onto the input of each pure planner
// (plan/scaleup, plan/scaledown, plan/rebalance). The controllers and the kubectl plugin
// both build their snapshots here, so what the plugin shows is planned from the same input
// the controllers plan from; each caller then adds the state only it knows (backoffs,
// utilization windows, drains and runs under way).
package planinput
