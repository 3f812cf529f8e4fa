// Package noflap holds only tests: a simulated cluster, clock and workload that drive the real
// scale-up planner, utilization store and scale-down planner together for half an hour of load
// changes, and count create-then-delete cycles. Nothing imports it.
package noflap
