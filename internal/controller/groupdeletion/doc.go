// Package groupdeletion is the NodeGroup finalizer controller: a live NodeGroup carries
// autoscaler.vpsie.com/nodegroup-cleanup, and a deleted one is taken down through the normal
// paths before it goes: its ScaleUp and Rebalance runs are cancelled through Temporal (their
// own compensation removes what they made), then every node is drained and deleted by a
// DrainAndDelete run (PodDisruptionBudgets respected, visible in the Web UI), a VPSieNode
// without a Node is deleted (its termination workflow deletes the VPS), and the finalizer
// is removed once the group has no VPSieNode left. It runs on the leader only.
package groupdeletion
