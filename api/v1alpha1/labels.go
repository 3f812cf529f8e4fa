package v1alpha1

// Labels, annotations and finalizers the autoscaler puts on objects it owns.
// They are API: operators select on them and other tools read them.
const (
	// LabelManaged marks Nodes and VPSieNodes created by the autoscaler.
	LabelManaged = "autoscaler.vpsie.com/managed"
	// LabelNodeGroup names the NodeGroup a Node or VPSieNode belongs to.
	LabelNodeGroup = "autoscaler.vpsie.com/nodegroup"
	// LabelVPSieNode names the VPSieNode that backs a Node.
	LabelVPSieNode = "autoscaler.vpsie.com/vpsienode"

	// FinalizerVPSTermination keeps a VPSieNode until its VPS is terminated,
	// so deleting the object never leaks a billed machine.
	FinalizerVPSTermination = "autoscaler.vpsie.com/vps-termination"
)
