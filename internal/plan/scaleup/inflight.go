package scaleup

import (
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// addInFlight adds a node for every VPSieNode that is being created but has no Node yet: its
// group's template, empty. Pending pods that fit there wait for the boot instead of causing a
// second scale-up. Once the Node registers, the real Node stands for it instead.
func (pl *planner) addInFlight(vns []*v1alpha1.VPSieNode, members *membership.Index, cat catalogue, daemons []*schedsim.PodInfo) {
	for _, vn := range vns {
		if !vn.InFlight() || members.NodeOf(vn) != nil {
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

func (pl *planner) group(namespace, name string) *group {
	for _, g := range pl.groups {
		if g.key.Namespace == namespace && g.key.Name == name {
			return g
		}
	}
	return nil
}
