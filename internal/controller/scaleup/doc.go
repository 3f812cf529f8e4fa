// Package scaleup is the provisioner: it batches unschedulable pods, plans on a snapshot
// of the cluster with the pure planner (internal/plan/scaleup), and starts one ScaleUp
// workflow per intent. It also grows NodeGroups below minNodes. It never calls the VPSie
// API: the catalogue comes through a Temporal workflow.
package scaleup
