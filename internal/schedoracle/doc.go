// Package schedoracle holds the differential test of the scale-up planner against the real
// kube-scheduler: random pods and NodeGroups are planned on an empty cluster, the plan's
// nodes are created as the product would make them (labels, taints, allocatable), the real
// scheduler places the pods, and the planner is asked again on the state the scheduler left.
// It has no code outside its tests; it needs the control-plane binaries in bin/k8s
// (KUBEBUILDER_ASSETS) and skips without them outside CI.
package schedoracle
