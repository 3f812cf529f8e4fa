package scaleup

import (
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// launched remembers the nodes of the runs this process started or attached to, from their
// inputs. Between a run's start and its CreateVPSieNode activities the planner would see
// neither the nodes nor their room, and a pass in that gap would plan the same growth
// again under another batch ID; observe adds them as in-flight VPSieNodes until the real
// objects appear or the run ends.
type launched struct {
	mu    sync.Mutex
	byRun map[string][]*v1alpha1.VPSieNode
}

func newLaunched() *launched { return &launched{byRun: map[string][]*v1alpha1.VPSieNode{}} }

// add records a run's requested nodes.
func (l *launched) add(runID string, in contract.ScaleUpInput) {
	vns := make([]*v1alpha1.VPSieNode, 0, len(in.Nodes))
	for _, n := range in.Nodes {
		if len(n.Placements) == 0 {
			continue
		}
		first := n.Placements[0]
		vns = append(vns, &v1alpha1.VPSieNode{
			ObjectMeta: metav1.ObjectMeta{Namespace: in.Namespace, Name: n.Name, Labels: map[string]string{
				v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: in.NodeGroup}},
			Spec: v1alpha1.VPSieNodeSpec{NodeGroup: in.NodeGroup, OfferingID: first.OfferingID,
				DatacenterID: first.DatacenterID, ImageID: in.Template.ImageID, Hostname: n.Name},
		})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byRun[runID] = vns
}

// done forgets a run that ended.
func (l *launched) done(runID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.byRun, runID)
}

// missing returns the launched nodes the cache has never held. A node the cache holds, or a
// fallback of it (contract.PlacementName), is forgotten for good: from then on the real
// objects speak for it, and a node compensated (deleted) later must not come back as
// phantom capacity until its run ends. The nodes are shared, not copied: a launched
// VPSieNode is never changed after add, so it may join a View (clusterview.View.WithVPSieNodes).
func (l *launched) missing(existing []*v1alpha1.VPSieNode) []*v1alpha1.VPSieNode {
	have := make(map[string]bool, len(existing))
	for _, vn := range existing {
		have[vn.Namespace+"/"+contract.RequestName(vn.Name)] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*v1alpha1.VPSieNode
	for run, vns := range l.byRun {
		kept := vns[:0]
		for _, vn := range vns {
			if !have[vn.Namespace+"/"+vn.Name] {
				kept = append(kept, vn)
			}
		}
		l.byRun[run] = kept
		out = append(out, kept...)
	}
	return out
}
