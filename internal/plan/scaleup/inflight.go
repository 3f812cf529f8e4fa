package scaleup

import (
	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// addInFlight adds a node for every VPSieNode that is being created and not Ready yet: its
// group's template. Pending pods that fit there wait for the boot instead of causing a second
// scale-up. The template stands for the node until its VPSieNode is Ready, even once the Node
// registered: a real Node registers NotReady, with the not-ready taint and maybe without the
// labels it is given at join, and gets DaemonSet pods at once; taken as it is, it would look
// like a node the pending pods cannot use, and the same pods would buy a second node. The
// pods already bound to it (but DaemonSet pods, whose room the template sets aside) take
// their room in the template.
func (pl *planner) addInFlight(vns []*v1alpha1.VPSieNode, members *membership.Index, cat catalogue,
	daemons []*schedsim.PodInfo, nodes []ExistingNode) {
	bound := make(map[string][]*corev1.Pod, len(nodes))
	for i := range nodes {
		bound[nodes[i].Node.Name] = nodes[i].Pods
	}
	for _, vn := range vns {
		t := pl.inFlightTemplate(vn, cat, daemons)
		if t == nil {
			continue
		}
		name, pods := vn.Spec.Hostname, []*corev1.Pod(nil)
		if node := members.NodeOf(vn); node != nil {
			name, pods = node.Name, bound[node.Name]
		}
		n := t.node(name)
		n.Kind = schedsim.KindInFlight
		for _, p := range pods {
			if schedsim.NeedsNewHome(p) {
				n.Add(schedsim.NewPodInfo(p, pl.opts.Volumes))
			}
		}
		pl.commitNode(&tmplNode{Node: n, tmpl: t})
	}
}

// booting names the registered Nodes that addInFlight models as their VPSieNode's template
// instead of as they are.
func (pl *planner) booting(vns []*v1alpha1.VPSieNode, members *membership.Index, cat catalogue) map[string]*v1alpha1.VPSieNode {
	out := map[string]*v1alpha1.VPSieNode{}
	for _, vn := range vns {
		if node := members.NodeOf(vn); node != nil && pl.inFlightTemplate(vn, cat, nil) != nil {
			out[node.Name] = vn
		}
	}
	return out
}

// inFlightTemplate is the template of a VPSieNode in flight, or nil when it is not in flight
// or nothing says what its node will look like (its group or offering is unknown).
func (pl *planner) inFlightTemplate(vn *v1alpha1.VPSieNode, cat catalogue, daemons []*schedsim.PodInfo) *template {
	if !vn.InFlight() {
		return nil
	}
	g := pl.group(vn.Namespace, vn.Spec.NodeGroup)
	off := cat.byID[vn.Spec.OfferingID]
	if g == nil || off == nil {
		return nil
	}
	return newTemplate(g, off, vn.Spec.DatacenterID, pl.opts, daemons)
}

func (pl *planner) group(namespace, name string) *group {
	for _, g := range pl.groups {
		if g.key.Namespace == namespace && g.key.Name == name {
			return g
		}
	}
	return nil
}
