// Package clusterview is the one read of the cluster that scale-up, scale-down and
// rebalance plan from: Read reads Nodes, Pods, NodeGroups and VPSieNodes (and, when asked,
// PodDisruptionBudgets, PersistentVolumeClaims with PersistentVolumes, DaemonSets) from the
// controller-runtime cache and indexes them into a View.
//
// Rules:
//
//   - The cache's own objects. Given the manager's cache (cache.Informers), Read takes
//     each kind's objects from its informer's store as they are: no List, no copy (a List,
//     even without deep copy, copies every object's struct into Items: 14 MB a pass at
//     10 000 pods). Given any other reader, every List passes client.UnsafeDisableDeepCopy.
//     Either way a View's objects share their maps, slices and pointers with the
//     informer's store. Never write
//     through them (no in-place edits, no sorting of their slices, no Update or Patch
//     with them): the write would land in the cache every controller reads. Deep-copy the
//     one object you mean to change. With 10 000 pods a copy per pass was most of the
//     autoscaler's heap; a View copies no object and allocates a few slices of pointers.
//
//   - Nodes before Pods. Nodes are listed before Pods on purpose: a pod bound to a Node
//     created in between is missing from the View's Nodes (undershoot: the cluster looks
//     emptier, a brand-new node looks idle only until the next pass), never counted twice.
//     Listing pods first would do the opposite: the new Node, already holding pods, would
//     appear beside the in-flight capacity those pods were counted against.
//
//   - Read only, and stable. Nothing in a View changes after Read returns (informers
//     replace objects in their store, they never edit one), so a View may be shared and
//     read from several goroutines. Slices handed out (fields and lookups) are the View's:
//     do not sort or overwrite their elements; appending is safe (lookups return slices
//     whose capacity ends at their length).
//
//   - Deterministic order. Nodes are sorted by name; every other slice by namespace and
//     name; PodsOn and VPSieNodesOf likewise. Two reads of the same cluster give the same
//     View whatever order the cache lists in.
//
//   - Grouping, not membership. VPSieNodesOf gives every VPSieNode whose namespace and
//     spec.nodeGroup name the group, including failed, leaving and deleted ones. Which of
//     them count as members, in flight or leaving is decided on the API types, not here.
//
// What stays with each controller: scale-down's metrics.k8s.io usage, scale-up's
// "launched" VPSieNodes the cache has not seen yet (see View.WithVPSieNodes), catalogues,
// backoffs and every other piece of controller state.
package clusterview
