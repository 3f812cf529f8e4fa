// Package schedsim is the one model of how kube-scheduler places pods, shared by scale-up,
// scale-down, rebalance and the CLI dry run: pod requests as the scheduler counts them, the
// filters (resources, node selector, required node affinity, taints, required pod
// anti-affinity, hard topology spread), and a simulated cluster that places pods first fit
// and can take nodes away (Simulation), and the scheduler's queue order and resource scores
// (QueueOrder, Score) for a plan checked against them. It is pure: no clock, no I/O, and it only reads the
// Nodes and Pods it is given, which may be the informer cache's own objects.
package schedsim
