package scaleup

import (
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// addInFlight adds a node for every VPSieNode that is being created but has no Node yet: its
// group's template, empty. Pending pods that fit there wait for the boot instead of causing a
// second scale-up. Once the Node registers, the real Node stands for it instead.
func (pl *planner) addInFlight(vns []*v1alpha1.VPSieNode, nodes []ExistingNode, cat catalogue, daemons []*schedsim.PodInfo) {
	registered := registeredNodes(nodes)
	for _, vn := range vns {
		if !booting(vn) || registered[vn.Spec.Hostname] || registered[vn.Status.NodeName] || registered["vpsienode:"+vn.Name] {
			continue
		}
		g := pl.group(vn.Namespace, vn.Spec.NodeGroup)
		off := cat.byID[vn.Spec.OfferingID]
		if g == nil || off == nil { // nothing says what the node will look like
			continue
		}
		t := newTemplate(g, off, vn.Spec.DatacenterID, pl.opts, daemons)
		n := t.node(vn.Spec.Hostname)
		n.Kind = schedsim.KindInFlight
		pl.commitNode(&tmplNode{Node: n, tmpl: t})
	}
}

// booting reports a VPSieNode that will become a node but is not one yet.
func booting(vn *v1alpha1.VPSieNode) bool {
	switch vn.Status.Phase {
	case v1alpha1.PhaseReady, v1alpha1.PhaseFailed, v1alpha1.PhaseTerminating, v1alpha1.PhaseDeleting:
		return false
	}
	return vn.DeletionTimestamp == nil
}

// registeredNodes indexes Nodes by name and by the VPSieNode their label names.
func registeredNodes(nodes []ExistingNode) map[string]bool {
	out := make(map[string]bool, 2*len(nodes))
	for i := range nodes {
		n := nodes[i].Node
		out[n.Name] = true
		if vn := n.Labels[v1alpha1.LabelVPSieNode]; vn != "" {
			out["vpsienode:"+vn] = true
		}
	}
	return out
}

func (pl *planner) group(namespace, name string) *group {
	for _, g := range pl.groups {
		if g.key.Namespace == namespace && g.key.Name == name {
			return g
		}
	}
	return nil
}
