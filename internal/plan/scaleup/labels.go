package scaleup

import corev1 "k8s.io/api/core/v1"

// The well-known labels a new node will carry; the kubelet and the VPSie cloud set them.
const (
	labelHostname     = corev1.LabelHostname
	labelZone         = corev1.LabelTopologyZone
	labelRegion       = corev1.LabelTopologyRegion
	labelInstanceType = corev1.LabelInstanceTypeStable
)

// plannedName is the hostname of the n-th planned node. A colon is not allowed in a node
// name, so a placeholder can never equal a real node and satisfy a pod's affinity to it.
func plannedName(n int) string { return "planned:" + itoa(int64(n)) }

// triedName is the hostname of a node that is only being tried. Only one exists at a time
// and no committed node uses it, so it is always a fresh hostname domain.
const triedName = "planned:candidate"
