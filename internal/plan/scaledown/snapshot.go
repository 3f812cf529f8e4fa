package scaledown

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// Snapshot is everything the planner reads. The controller fills it from its caches and the
// sample store; the same Snapshot always yields the same Result.
type Snapshot struct {
	// Now is the controller's clock reading; cooldowns are measured against it.
	Now time.Time
	// Nodes are the cluster's Nodes, each with the pods bound to it. Unmanaged Nodes are
	// never chosen, but their free room takes pods in the simulation.
	Nodes []schedsim.ExistingNode
	// NodeGroups and VPSieNodes tie a Node to its group: a VPSieNode's status.nodeName, or
	// else its spec.hostname, names its Node.
	NodeGroups []*v1alpha1.NodeGroup
	VPSieNodes []*v1alpha1.VPSieNode
	// PDBs are every PodDisruptionBudget; status.disruptionsAllowed is what may still go.
	PDBs []*policyv1.PodDisruptionBudget
	// PersistentVolumeClaims and PersistentVolumes find pods on local storage: a claim bound
	// to a PersistentVolume with spec.local or spec.hostPath ties its pod to the node. With
	// none given, no claim counts as local.
	PersistentVolumeClaims []*corev1.PersistentVolumeClaim
	PersistentVolumes      []*corev1.PersistentVolume
	// Utilization is the sample store's verdict per Node name; a Node missing from it is
	// neither below nor empty.
	Utilization map[string]Utilization
	// Draining names the Nodes whose drain is already under way (their DrainAndDelete
	// workflow runs). A Node annotated drain-status=draining, or whose VPSieNode is being
	// deleted, counts too.
	Draining []string
	// Groups is what the controller knows of each NodeGroup beyond its spec and status.
	Groups map[types.NamespacedName]GroupState
}

// Utilization is what the sample store says of one node, asked by the controller with the
// node's Policy (utilization.Store.Below) and Options.EmptyNodeDelay (Store.Empty).
type Utilization struct {
	// Below: under the group's CPU and memory thresholds for its whole stabilization window.
	Below bool
	// Empty: no pod that would need moving for the whole EmptyNodeDelay. The planner also
	// checks that none runs now.
	Empty bool
	// Detail is the store's explanation when the node is not below, for the kept node's
	// message.
	Detail string
}

// GroupState is the controller's knowledge of a NodeGroup that its spec and status may not
// show yet; for each time, the later of this and the status's counts.
type GroupState struct {
	LastScaleUp, LastScaleDown time.Time
	// ScaleDownDisabled stops the group shrinking, like spec.scaleDownPolicy.enabled=false.
	ScaleDownDisabled bool
}
