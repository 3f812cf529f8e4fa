package workflows

import (
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// CollectOrphans is one run of the orphan collector (Schedule gc/<cluster>): it looks
// for VPSs tagged for the cluster and managed Nodes that no VPSieNode accounts for,
// waits the grace period (a create may be in flight: its VPS exists before its
// VPSieNode records it), looks again, and acts only on what was orphaned both times.
// A VPS is deleted by DeleteOrphanVPS, which re-checks its owner and judges it with the
// one ownership rule; a Node only once its VPS is gone, by the termination's
// DeleteVPSieNodeNode rule. Dry run reports and deletes nothing. The Schedule lives
// outside the Temporal database's loss: the controller recreates it at start.
func CollectOrphans(ctx workflow.Context, in contract.CollectOrphansInput) (contract.CollectOrphansResult, error) {
	var res contract.CollectOrphansResult
	if in.Cluster == "" {
		return res, fmt.Errorf("collect orphans needs a cluster")
	}
	if in.Grace <= 0 {
		in.Grace = contract.DefaultOrphanGrace
	}
	first, err := findOrphans(ctx, in)
	if err != nil || first.Empty() {
		return res, err
	}
	if err := workflow.Sleep(ctx, in.Grace); err != nil {
		return res, err
	}
	again, err := findOrphans(ctx, in)
	if err != nil {
		return res, err
	}
	res.Found = stillOrphaned(first, again)
	report := contract.ReportOrphansInput{Orphans: res.Found, DryRun: in.DryRun, Grace: in.Grace}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.ReportOrphansActivity, report).Get(ctx, nil); err != nil {
		return res, fmt.Errorf("reporting orphans: %w", err)
	}
	if in.DryRun {
		res.Kept = append(res.Kept, "dry run")
		return res, nil
	}
	if err := collectStranded(ctx, &res); err != nil {
		return res, err
	}
	if err := collectVPSs(ctx, &res); err != nil {
		return res, err
	}
	if err := collectNodes(ctx, &res); err != nil {
		return res, err
	}
	return res, reportDeleted(ctx, in, res)
}

// reportDeleted counts the Nodes and stranded VPSieNodes the run deleted.
func reportDeleted(ctx workflow.Context, in contract.CollectOrphansInput, res contract.CollectOrphansResult) error {
	done := contract.ReportOrphansInput{Grace: in.Grace, Done: true}
	for _, n := range res.Found.Nodes {
		if slices.Contains(res.DeletedNodes, n.NodeName) {
			done.Orphans.Nodes = append(done.Orphans.Nodes, n)
		}
	}
	for _, r := range res.Found.Stranded {
		if slices.Contains(res.DeletedStranded, r.Namespace+"/"+r.Name) {
			done.Orphans.Stranded = append(done.Orphans.Stranded, r)
		}
	}
	if len(done.Orphans.Nodes) == 0 && len(done.Orphans.Stranded) == 0 {
		return nil
	}
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.ReportOrphansActivity, done).Get(ctx, nil); err != nil {
		return fmt.Errorf("reporting deleted orphans: %w", err)
	}
	return nil
}

// collectStranded deletes each confirmed stranded VPSieNode: its finalizer starts the
// termination, the one path that deletes its VPS and Node.
func collectStranded(ctx workflow.Context, res *contract.CollectOrphansResult) error {
	for _, ref := range res.Found.Stranded {
		if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.DeleteVPSieNodeActivity, ref).Get(ctx, nil); err != nil {
			return fmt.Errorf("deleting stranded vpsienode %s/%s: %w", ref.Namespace, ref.Name, err)
		}
		res.DeletedStranded = append(res.DeletedStranded, ref.Namespace+"/"+ref.Name)
	}
	return nil
}

// findOrphans lists the cluster's VPSs and holds them and the managed Nodes against the
// VPSieNodes.
func findOrphans(ctx workflow.Context, in contract.CollectOrphansInput) (contract.Orphans, error) {
	var vpss []contract.OrphanVPS
	if err := workflow.ExecuteActivity(vpsieCall(ctx), contract.ListClusterVPSActivity,
		contract.ListClusterVPSInput{Cluster: in.Cluster}).Get(ctx, &vpss); err != nil {
		return contract.Orphans{}, fmt.Errorf("listing the cluster's vps: %w", err)
	}
	var found contract.Orphans
	if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.FindOrphansActivity,
		contract.FindOrphansInput{VPSs: vpss, StrandedAfter: in.StrandedAfter}).Get(ctx, &found); err != nil {
		return found, fmt.Errorf("finding orphans: %w", err)
	}
	return found, nil
}

// stillOrphaned keeps what both looks found: the same VPS ID, the same Node object.
func stillOrphaned(first, again contract.Orphans) contract.Orphans {
	return contract.Orphans{
		VPSs:     inBoth(first.VPSs, again.VPSs, func(v contract.OrphanVPS) string { return v.VPSID }),
		Nodes:    inBoth(first.Nodes, again.Nodes, func(n contract.OrphanNode) string { return n.UID }),
		Stranded: inBoth(first.Stranded, again.Stranded, func(r contract.VPSieNodeRef) string { return r.UID }),
	}
}

// inBoth keeps the items of again whose key first has too.
func inBoth[T any](first, again []T, key func(T) string) []T {
	seen := map[string]bool{}
	for _, x := range first {
		seen[key(x)] = true
	}
	var out []T
	for _, x := range again {
		if seen[key(x)] {
			out = append(out, x)
		}
	}
	return out
}

// collectVPSs deletes each confirmed orphan VPS and waits until it is gone.
func collectVPSs(ctx workflow.Context, res *contract.CollectOrphansResult) error {
	for _, v := range res.Found.VPSs {
		var del contract.DeleteOrphanVPSResult
		if err := workflow.ExecuteActivity(vpsieCall(ctx), contract.DeleteOrphanVPSActivity, v).Get(ctx, &del); err != nil {
			return fmt.Errorf("deleting orphan vps %s: %w", v.VPSID, err)
		}
		if !del.Deleted {
			res.Kept = append(res.Kept, fmt.Sprintf("vps %s: %s", v.VPSID, del.Why))
			continue
		}
		if err := waitVPSGone(ctx, v.VPSID); err != nil {
			return err
		}
		res.DeletedVPSs = append(res.DeletedVPSs, v.VPSID)
	}
	return nil
}

// collectNodes deletes each confirmed orphan Node whose VPS is gone (or that names
// none): a Node of a live VPS is a running machine, left alone and reported.
func collectNodes(ctx workflow.Context, res *contract.CollectOrphansResult) error {
	for _, n := range res.Found.Nodes {
		if n.VPSID != "" {
			var st contract.VPSState
			if err := workflow.ExecuteActivity(vpsieCall(ctx), contract.GetVPSStateActivity,
				contract.GetVPSStateInput{VPSID: n.VPSID}).Get(ctx, &st); err != nil {
				return fmt.Errorf("reading vps %s of node %s: %w", n.VPSID, n.NodeName, err)
			}
			if st.Found {
				res.Kept = append(res.Kept, fmt.Sprintf("node %s: its vps %s still exists", n.NodeName, n.VPSID))
				continue
			}
		}
		del := contract.DeleteVPSieNodeNodeInput{VPSieNode: contract.VPSieNodeRef{Name: n.VPSieNode}, NodeName: n.NodeName}
		if n.VPSID != "" {
			del.VPSIDs = []string{n.VPSID}
		}
		if del.VPSieNode.Name == "" {
			del.VPSieNode.Name = n.NodeName
		}
		var out contract.DeleteVPSieNodeNodeResult
		if err := workflow.ExecuteActivity(kubeWrite(ctx), contract.DeleteVPSieNodeNodeActivity, del).Get(ctx, &out); err != nil {
			return fmt.Errorf("deleting orphan node %s: %w", n.NodeName, err)
		}
		if !out.Deleted {
			res.Kept = append(res.Kept, fmt.Sprintf("node %s: %s", n.NodeName, out.LeftAlone))
			continue
		}
		res.DeletedNodes = append(res.DeletedNodes, n.NodeName)
	}
	return nil
}
