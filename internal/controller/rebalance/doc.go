// Package rebalance is the rebalance controller: every interval it analyzes each NodeGroup
// with the pure analyzer (internal/plan/rebalance), starts one Rebalance workflow
// (rebalance/<namespace>/<nodegroup>) for a plan when the group's rebalancePolicy is enabled
// or the annotation autoscaler.vpsie.com/rebalance=now asks for one, turns the annotation's
// pause, resume and rollback into the run's signals, and mirrors the run's progress query
// into a report the NodeGroup controller writes into status.rebalance.
package rebalance
