// Package nodelabels is the one rule for which labels a new node carries: a node of
// NodeGroup G, offering O and datacenter D registers with G's labels, the well-known
// topology and instance-type labels (zone and region are the datacenter, the instance type
// is the offering) and the autoscaler's own labels. The default user data passes them to
// the kubelet's --node-labels, so the node carries them from its first moment; the
// scale-up planner's node template must assume exactly these.
//
// A kubelet also sets kubernetes.io/hostname, kubernetes.io/os and kubernetes.io/arch on
// its own (Kubelet). The package is pure: no clients, no clock.
package nodelabels
