package nodelabels

import (
	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// The autoscaler's labels for the offering and the datacenter of a node (the same keys
// as workflows/contract.LabelOffering and LabelDatacenter, which the scale-up workflow
// also applies after registration).
const (
	LabelOffering   = "autoscaler.vpsie.com/offering"
	LabelDatacenter = "autoscaler.vpsie.com/datacenter"
)

// Group is what of a NodeGroup decides its new nodes' labels.
type Group struct {
	// Name is the NodeGroup's name.
	Name string
	// Labels are the NodeGroup's spec.labels.
	Labels map[string]string
}

// Template is the labels every new node of group g with offering in datacenter registers
// with: g's labels, then the well-known and the autoscaler's, which win over g's. It is
// what the planner may assume of a node it has not made yet (the node's own name is not
// known then: see Node).
func Template(g Group, offering, datacenter string) map[string]string {
	l := make(map[string]string, len(g.Labels)+7)
	for k, v := range g.Labels {
		l[k] = v
	}
	l[corev1.LabelTopologyZone] = datacenter
	l[corev1.LabelTopologyRegion] = datacenter
	l[corev1.LabelInstanceTypeStable] = offering
	l[v1alpha1.LabelManaged] = "true"
	l[v1alpha1.LabelNodeGroup] = g.Name
	l[LabelOffering] = offering
	l[LabelDatacenter] = datacenter
	return l
}

// Node is Template plus the label naming the node's VPSieNode: the labels the node's
// user data gives its kubelet.
func Node(g Group, offering, datacenter, vpsieNode string) map[string]string {
	l := Template(g, offering, datacenter)
	l[v1alpha1.LabelVPSieNode] = vpsieNode
	return l
}

// Kubelet is what a kubelet labels its own Node with, whatever its flags say: its
// hostname, os and arch (VPSie's machines are linux/amd64).
func Kubelet(hostname string) map[string]string {
	return map[string]string{
		corev1.LabelHostname:   hostname,
		corev1.LabelOSStable:   "linux",
		corev1.LabelArchStable: "amd64",
	}
}
