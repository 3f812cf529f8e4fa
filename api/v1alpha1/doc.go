// Package v1alpha1 holds the autoscaler.vpsie.com/v1alpha1 API: NodeGroup
// (what the user wants) and VPSieNode (one VPS the autoscaler owns).
// +kubebuilder:object:generate=true
// +groupName=autoscaler.vpsie.com
package v1alpha1
