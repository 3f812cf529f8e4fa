package scaleup

import (
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Snapshot is everything the planner reads. The controller fills it from its caches; since
// the planner reads nothing else, the same Snapshot always yields the same Result.
type Snapshot struct {
	// Now is the controller's clock reading; BackingOffUntil is compared with it.
	Now time.Time
	// Nodes are the cluster's Nodes, each with the pods bound to it.
	Nodes []ExistingNode
	// Pending are the pods the scheduler could not place. Pods owned by a DaemonSet, bound,
	// terminal or being deleted are skipped: a new node cannot help them. Like the Nodes'
	// pods they may point into the informer cache, so the planner only reads them.
	Pending []*corev1.Pod
	// NodeGroups are every NodeGroup; the planner only adds nodes to these.
	NodeGroups []*v1alpha1.NodeGroup
	// VPSieNodes are every VPSieNode. Those not Ready whose Node has not registered yet count
	// as capacity, so a slow boot never triggers a second scale-up for the same pods.
	VPSieNodes []*v1alpha1.VPSieNode
	// PersistentVolumeClaims and PersistentVolumes tie a pod with a bound volume to the nodes
	// that volume can be used on (its node affinity, its zone).
	PersistentVolumeClaims []*corev1.PersistentVolumeClaim
	PersistentVolumes      []*corev1.PersistentVolume
	// DaemonSets put a pod on every new node they select; their requests are set aside.
	DaemonSets []*appsv1.DaemonSet
	// Offerings is the VPSie catalogue.
	Offerings []Offering
	// Datacenters are the datacenters the catalogue knows; when empty, those Offerings name.
	Datacenters []string
	// Groups is what the controller knows of each NodeGroup beyond its spec.
	Groups map[types.NamespacedName]GroupState
	// Nominations are nodes this controller nominated pending pods to (pod → Node name) that
	// the pods' status.nominatedNodeName may not show yet; a pod's own nomination wins.
	Nominations map[types.NamespacedName]string
	// Quota is what the VPSie account may still create, per datacenter, and under the key
	// AccountQuota in all datacenters together; a key missing from the map is not limited.
	Quota map[string]Quota
}

// AccountQuota is the Quota key of a limit that holds for every datacenter together.
const AccountQuota = "*"

// GroupState is the controller's knowledge of a NodeGroup that its spec does not hold.
type GroupState struct {
	// ScaleUpDisabled stops the group growing, like spec.scaleUpPolicy.enabled=false.
	ScaleUpDisabled bool
	// BackingOffUntil pauses growth after failed nodes; zero means no backoff.
	BackingOffUntil time.Time
	// BackoffReason says which failure caused the pause, for the group's condition and events.
	BackoffReason string
	// BootstrapInvalid, when set, says why a new node of the group cannot be made as its
	// spec asks ("SSHKeySecretNotFound: ..."): a missing user data template or SSH key
	// Secret. The group does not grow until it is fixed, rather than boot a node that
	// cannot join or lacks the keys.
	BootstrapInvalid string
	// InCooldown pauses growth after a recent scale-up.
	InCooldown bool
	// Members is the group's VPSieNodes not being deleted, as the controller counts them. The
	// planner uses the larger of this and its own count from Snapshot.VPSieNodes, so a stale
	// number can never let a group pass maxNodes.
	Members int32
}

// Quota is what may still be created in one datacenter.
type Quota struct {
	VMs   int32
	VCPUs int32
}

func soldIn(o *Offering, dc string) bool {
	if len(o.Datacenters) == 0 {
		return true
	}
	for _, d := range o.Datacenters {
		if d == dc {
			return true
		}
	}
	return false
}

// vcpus is what the offering takes from a vCPU quota: whole CPUs, rounded up.
func vcpus(o *Offering) int32 { return int32((o.CPUMilli + 999) / 1000) }
