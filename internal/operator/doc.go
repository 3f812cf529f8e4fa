// Package operator assembles the autoscaler process: the leader-elected
// controller-runtime manager with its controllers, probes and metrics, and
// the Temporal worker that runs on every replica.
package operator
