// Package utilization keeps, per node, a fixed-size ring of recent samples of what its pods
// request (and, where metrics.k8s.io serves it, use) against what it can allocate, and
// answers whether a node stayed below given thresholds for a whole window. It is safe for
// concurrent use, hands out copies only, and forgets nodes that leave the cluster.
package utilization
