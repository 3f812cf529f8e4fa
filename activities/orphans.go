package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// The orphan collector's activities (workflows/gc.go). A VPS is an orphan when its tags
// name a VPSieNode that does not exist (or a new object of the name, by UID) and that
// no VPSieNode records; a managed Node when the one membership rule finds no VPSieNode
// behind it. Deleting goes through the ownership layer (judge) and the termination's
// Node rule, never around them.

// ListClusterVPS lists every live VPS tagged for the cluster, with the owner its tags
// name. A listing without tags (shape B) is read in detail per VM.
func (v *VPSie) ListClusterVPS(ctx context.Context, in contract.ListClusterVPSInput) ([]contract.OrphanVPS, error) {
	if in.Cluster == "" {
		return nil, nonRetryable("list cluster vps needs a cluster")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	vms, err := v.API.ListVMs(ctx, vpsie.VMFilter{Tags: []string{contract.ClusterTag(in.Cluster)}})
	if err != nil {
		return nil, vpsieError("listing the cluster's vps", err)
	}
	var out []contract.OrphanVPS
	for _, vm := range vms {
		if vm.Status == statusDeleted {
			continue
		}
		if len(vm.Tags) == 0 {
			if vm, err = v.API.GetVM(ctx, vm.Identifier); errors.Is(err, vpsie.ErrNotFound) {
				continue
			} else if err != nil {
				return nil, vpsieError("reading vps "+vm.Identifier, err)
			}
		}
		if o, ok := contract.OwnerFromTags(in.Cluster, vm.Tags); ok && vm.Status != statusDeleted {
			out = append(out, contract.OrphanVPS{VPSID: vm.Identifier, Hostname: vm.Hostname, Owner: o})
		}
	}
	return out, nil
}

// DeleteOrphanVPS deletes one VPS the collector confirmed: its owner is asked again
// (Owners; a VPSieNode that is back keeps it) and the VPS is read and judged with the
// ownership rule (it must be Owned by the owner its tags name); only then one DELETE.
// It fails closed without an owner check.
func (v *VPSie) DeleteOrphanVPS(ctx context.Context, in contract.OrphanVPS) (contract.DeleteOrphanVPSResult, error) {
	if in.VPSID == "" || in.Hostname == "" || !in.Owner.Valid() || v.Owners == nil {
		return contract.DeleteOrphanVPSResult{}, nonRetryable("delete orphan vps needs a vps id, a hostname, an owner and an owner check")
	}
	ctx, done := heartbeating(ctx)
	defer done()
	err := v.Owners.OwnerLive(ctx, in.Owner)
	var appErr *temporal.ApplicationError
	switch {
	case err == nil:
		return contract.DeleteOrphanVPSResult{Why: "its vpsienode exists"}, nil
	case !errors.As(err, &appErr) || appErr.Type() != contract.ErrOwnerGone:
		return contract.DeleteOrphanVPSResult{}, err
	}
	j, err := v.inspect(ctx, in.VPSID, in.Hostname, in.Owner, false)
	if err != nil {
		return contract.DeleteOrphanVPSResult{}, err
	}
	if j.Verdict != contract.VerdictOwned {
		return contract.DeleteOrphanVPSResult{Why: fmt.Sprintf("judged %s: %s", j.Verdict, j.Why)}, nil
	}
	activity.GetLogger(ctx).Warn("Deleting orphan VPS", "vps", in.VPSID, "hostname", in.Hostname,
		"vpsienode", in.Owner.Namespace+"/"+in.Owner.Name)
	if err := v.API.DeleteVM(ctx, in.VPSID); err != nil && !errors.Is(err, vpsie.ErrNotFound) {
		return contract.DeleteOrphanVPSResult{}, vpsieError("deleting vps "+in.VPSID, err)
	}
	v.Orphans.countDeleted(orphanKindVPS)
	return contract.DeleteOrphanVPSResult{Deleted: true}, nil
}

// FindOrphans keeps the VPSs no VPSieNode accounts for and lists the managed Nodes
// without a VPSieNode (membership.OwnerOf, the one membership rule).
func (k *Kube) FindOrphans(ctx context.Context, in contract.FindOrphansInput) (contract.Orphans, error) {
	var vns v1alpha1.VPSieNodeList
	if err := k.Client.List(ctx, &vns); err != nil {
		return contract.Orphans{}, fmt.Errorf("listing vpsienodes: %w", err)
	}
	var nodes corev1.NodeList
	if err := k.Client.List(ctx, &nodes, client.MatchingLabels{v1alpha1.LabelManaged: "true"}); err != nil {
		return contract.Orphans{}, fmt.Errorf("listing managed nodes: %w", err)
	}
	var out contract.Orphans
	for _, v := range in.VPSs {
		if !accounted(vns.Items, v) {
			out.VPSs = append(out.VPSs, v)
		}
	}
	out.Stranded = k.stranded(vns.Items, in.StrandedAfter)
	ix := membership.New(membership.Pointers(vns.Items), membership.Pointers(nodes.Items))
	for _, n := range nodes.Items {
		if ix.OwnerOf(n.Name) == nil {
			id, _ := cutProviderID(n.Spec.ProviderID)
			out.Nodes = append(out.Nodes, contract.OrphanNode{NodeName: n.Name, UID: string(n.UID), VPSID: id,
				VPSieNode: n.Labels[v1alpha1.LabelVPSieNode]})
		}
	}
	return out, nil
}

// stranded lists the VPSieNodes still in a create phase, not being deleted, created
// longer than after ago: no ScaleUp can still finish them.
func (k *Kube) stranded(vns []v1alpha1.VPSieNode, after time.Duration) []contract.VPSieNodeRef {
	if after <= 0 {
		return nil
	}
	now := k.now()
	var out []contract.VPSieNodeRef
	for i := range vns {
		vn := &vns[i]
		switch vn.Status.Phase {
		case "", v1alpha1.PhasePending, v1alpha1.PhaseProvisioning, v1alpha1.PhaseProvisioned, v1alpha1.PhaseJoining:
		default:
			continue
		}
		if vn.DeletionTimestamp.IsZero() && now.Sub(vn.CreationTimestamp.Time) > after {
			out = append(out, contract.VPSieNodeRef{Namespace: vn.Namespace, Name: vn.Name, UID: string(vn.UID)})
		}
	}
	return out
}

// accounted reports whether a VPSieNode accounts for the VPS: it records the VPS, or it
// is the object the tags name (by name, and by UID when the tags carry one).
func accounted(vns []v1alpha1.VPSieNode, v contract.OrphanVPS) bool {
	for i := range vns {
		vn := &vns[i]
		if vn.Status.VPSID == v.VPSID {
			return true
		}
		if vn.Namespace == v.Owner.Namespace && vn.Name == v.Owner.Name && (v.Owner.UID == "" || string(vn.UID) == v.Owner.UID) {
			return true
		}
	}
	return false
}

func cutProviderID(id string) (string, bool) {
	if len(id) > len(ProviderIDPrefix) && id[:len(ProviderIDPrefix)] == ProviderIDPrefix {
		return id[len(ProviderIDPrefix):], true
	}
	return "", false
}

// ReportOrphans records what a collector run confirmed after its grace: the found
// metric by kind, a log line per orphan and a Warning Event on each orphan Node; with
// Done, the deleted metric of the Nodes and stranded VPSieNodes it deleted.
func (k *Kube) ReportOrphans(ctx context.Context, in contract.ReportOrphansInput) error {
	log := activity.GetLogger(ctx)
	if in.Done {
		for _, n := range in.Orphans.Nodes {
			k.Orphans.countDeleted(orphanKindNode)
			log.Warn("Deleted orphan Node", "node", n.NodeName, "vps", n.VPSID)
		}
		for _, r := range in.Orphans.Stranded {
			k.Orphans.countDeleted(orphanKindStranded)
			log.Warn("Deleted stranded VPSieNode; its termination deletes its VPS and Node", "vpsienode", r.Namespace+"/"+r.Name)
		}
		return nil
	}
	action := "deleting"
	if in.DryRun {
		action = "dry run: not deleting"
	}
	for _, v := range in.Orphans.VPSs {
		k.Orphans.countFound(orphanKindVPS)
		log.Warn("Orphan VPS: no VPSieNode accounts for it", "vps", v.VPSID, "hostname", v.Hostname,
			"vpsienode", v.Owner.Namespace+"/"+v.Owner.Name, "grace", in.Grace, "action", action)
	}
	for _, r := range in.Orphans.Stranded {
		k.Orphans.countFound(orphanKindStranded)
		log.Warn("Stranded VPSieNode: still being created long after any ScaleUp could finish it", "vpsienode",
			r.Namespace+"/"+r.Name, "grace", in.Grace, "action", action)
	}
	for _, n := range in.Orphans.Nodes {
		k.Orphans.countFound(orphanKindNode)
		log.Warn("Orphan Node: managed, but no VPSieNode is behind it", "node", n.NodeName, "vps", n.VPSID,
			"grace", in.Grace, "action", action)
		if k.Events != nil {
			ref := &corev1.Node{}
			ref.Name, ref.UID = n.NodeName, typesUID(n.UID)
			k.Events.Eventf(ref, nil, corev1.EventTypeWarning, "OrphanNode", "CollectOrphans",
				"managed node without a VPSieNode for longer than %s; %s", in.Grace, action)
		}
	}
	return nil
}
