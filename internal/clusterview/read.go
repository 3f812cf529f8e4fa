package clusterview

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Options choose what Read lists beyond the core (Nodes, Pods, NodeGroups, VPSieNodes).
//
// Why not read everything: a List from an informer that already runs costs one slice of
// shallow struct copies, negligible next to the pods. But the first List of a type on the
// manager's cache starts an informer for it: a watch and an in-memory copy of every such
// object in the cluster for the life of the process, and RBAC to list and watch them.
// Scale-down and rebalance are optional; a cluster that runs only scale-up must not start
// watching every PersistentVolumeClaim and PersistentVolume because scale-up read them.
//
//	scale-up:   DaemonSets
//	scale-down: PDBs, Volumes
//	rebalance:  PDBs, Volumes
type Options struct {
	// Clock gives View.Now; nil is the real clock.
	Clock clock.PassiveClock
	// PDBs lists PodDisruptionBudgets (View.PDBs).
	PDBs bool
	// Volumes lists PersistentVolumeClaims and PersistentVolumes (View.PVCs, View.PVs,
	// View.PVC, View.PV).
	Volumes bool
	// DaemonSets lists DaemonSets (View.DaemonSets).
	DaemonSets bool
}

// Read lists from reader, meant to be the manager's cache-backed client, and indexes the
// lists into a View. Every List passes client.UnsafeDisableDeepCopy: the View holds the
// cache's own objects, which must never be written through (see the package doc). With a
// reader that is not a cache the option is ignored and Read still works, at the price of
// full lists from the API server.
//
// View.Now is read from the clock after the lists, so no object in the View was created
// after Now (clock skew aside).
func Read(ctx context.Context, reader client.Reader, o Options) (*View, error) {
	var (
		nodes   corev1.NodeList
		pods    corev1.PodList
		groups  v1alpha1.NodeGroupList
		vns     v1alpha1.VPSieNodeList
		pdbs    policyv1.PodDisruptionBudgetList
		pvcs    corev1.PersistentVolumeClaimList
		pvs     corev1.PersistentVolumeList
		daemons appsv1.DaemonSetList
	)
	// Nodes are listed before Pods on purpose: a pod bound to a Node created in between is
	// then missing (undershoot), never counted twice. Keep this order.
	lists := []client.ObjectList{&nodes, &pods, &groups, &vns}
	if o.PDBs {
		lists = append(lists, &pdbs)
	}
	if o.Volumes {
		lists = append(lists, &pvcs, &pvs)
	}
	if o.DaemonSets {
		lists = append(lists, &daemons)
	}
	for _, l := range lists {
		if err := reader.List(ctx, l, client.UnsafeDisableDeepCopy); err != nil {
			return nil, fmt.Errorf("listing %T: %w", l, err)
		}
	}
	c := o.Clock
	if c == nil {
		c = clock.RealClock{}
	}
	v := &View{Now: c.Now()}
	v.Nodes = sortedPointers(nodes.Items, byName[*corev1.Node])
	v.indexPods(pods.Items)
	v.NodeGroups = sortedPointers(groups.Items, byNamespacedName[*v1alpha1.NodeGroup])
	v.VPSieNodes = sortedPointers(vns.Items, byNamespacedName[*v1alpha1.VPSieNode])
	v.groupVPSieNodes()
	if o.PDBs {
		v.PDBs = sortedPointers(pdbs.Items, byNamespacedName[*policyv1.PodDisruptionBudget])
	}
	if o.Volumes {
		v.PVCs = sortedPointers(pvcs.Items, byNamespacedName[*corev1.PersistentVolumeClaim])
		v.PVs = sortedPointers(pvs.Items, byName[*corev1.PersistentVolume])
	}
	if o.DaemonSets {
		v.DaemonSets = sortedPointers(daemons.Items, byNamespacedName[*appsv1.DaemonSet])
	}
	return v, nil
}
