// Package rebalance is the pure rebalance analyzer: it finds the nodes of each NodeGroup worth
// replacing (a cheaper allowed offering fits their pods, or they drifted from the spec), checks
// the group's gates and the scale-down safety checks, and returns plans in batches for the
// Rebalance workflow, with a typed reason for every node and group it leaves out.
package rebalance
