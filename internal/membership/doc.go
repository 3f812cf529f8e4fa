// Package membership is the one rule that says which VPSieNodes and Nodes belong to which
// NodeGroup. The scale-up, scale-down and rebalance planners, the NodeGroup status and the
// CLI all build an Index from the same objects and ask it; none decides on its own, so they
// can never disagree about a group's size, its members in flight or a Node's owner.
//
// The per-object part of the rule (Leaving, IsMember, InFlight) is a set of methods on the
// API types in api/v1alpha1; the Index adds what needs more than one object: which
// VPSieNode owns a Node, and a group's members, those in flight and those leaving.
//
// The package is pure (API types only), so the planners may import it.
package membership
