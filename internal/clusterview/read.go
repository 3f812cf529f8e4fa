package clusterview

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/cache"
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

// Read reads from reader, meant to be the manager's cache, and indexes what it read into a
// View. When reader is an informer cache (cache.Informers: the manager's GetCache()), each
// kind's objects come straight from its informer's store: pointers to the cache's own
// objects, no List and no copy at all. Any other reader is listed with
// client.UnsafeDisableDeepCopy: from the manager's cache-backed client that still shares
// the objects but copies each one's struct into the list's Items (14 MB a pass at 10 000
// pods); from an uncached client it is a full list from the API server. Either way the
// View holds objects that must never be written through (see the package doc).
//
// View.Now is read from the clock after the reads, so no object in the View was created
// after Now (clock skew aside).
func Read(ctx context.Context, reader client.Reader, o Options) (*View, error) {
	r := source{reader: reader}
	r.informers, _ = reader.(cache.Informers)
	v := &View{}
	// Nodes are read before Pods on purpose: a pod bound to a Node created in between is
	// then missing (undershoot), never counted twice. Keep this order.
	nodes, err := readAll(ctx, r, &corev1.Node{}, &corev1.NodeList{})
	if err != nil {
		return nil, err
	}
	pods, err := readAll(ctx, r, &corev1.Pod{}, &corev1.PodList{})
	if err != nil {
		return nil, err
	}
	groups, err := readAll(ctx, r, &v1alpha1.NodeGroup{}, &v1alpha1.NodeGroupList{})
	if err != nil {
		return nil, err
	}
	vns, err := readAll(ctx, r, &v1alpha1.VPSieNode{}, &v1alpha1.VPSieNodeList{})
	if err != nil {
		return nil, err
	}
	if err := v.readOptional(ctx, r, o); err != nil {
		return nil, err
	}
	c := o.Clock
	if c == nil {
		c = clock.RealClock{}
	}
	v.Now = c.Now()
	v.Nodes = sorted(nodes, byName[*corev1.Node])
	v.indexPods(pods)
	v.NodeGroups = sorted(groups, byNamespacedName[*v1alpha1.NodeGroup])
	v.VPSieNodes = sorted(vns, byNamespacedName[*v1alpha1.VPSieNode])
	v.groupVPSieNodes()
	return v, nil
}

// readOptional reads the kinds the options ask for, each sorted into its field.
func (v *View) readOptional(ctx context.Context, r source, o Options) error {
	var err error
	if o.PDBs {
		if v.PDBs, err = readAll(ctx, r, &policyv1.PodDisruptionBudget{}, &policyv1.PodDisruptionBudgetList{}); err != nil {
			return err
		}
		v.PDBs = sorted(v.PDBs, byNamespacedName[*policyv1.PodDisruptionBudget])
	}
	if o.Volumes {
		if v.PVCs, err = readAll(ctx, r, &corev1.PersistentVolumeClaim{}, &corev1.PersistentVolumeClaimList{}); err != nil {
			return err
		}
		v.PVCs = sorted(v.PVCs, byNamespacedName[*corev1.PersistentVolumeClaim])
		if v.PVs, err = readAll(ctx, r, &corev1.PersistentVolume{}, &corev1.PersistentVolumeList{}); err != nil {
			return err
		}
		v.PVs = sorted(v.PVs, byName[*corev1.PersistentVolume])
	}
	if o.DaemonSets {
		if v.DaemonSets, err = readAll(ctx, r, &appsv1.DaemonSet{}, &appsv1.DaemonSetList{}); err != nil {
			return err
		}
		v.DaemonSets = sorted(v.DaemonSets, byNamespacedName[*appsv1.DaemonSet])
	}
	return nil
}
