// Package membershiptest holds one set of VPSieNodes and Nodes in every state the membership
// rule distinguishes, and the answers the rule gives for them. Every consumer of the rule
// (the planners, the NodeGroup status, the scale-up controller) tests that it counts the
// same members from these objects, so a consumer that decides on its own is caught.
package membershiptest
