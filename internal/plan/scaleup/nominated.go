package scaleup

import (
	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// placeNominated puts every pending pod nominated to a Node or a booting node of the
// simulation there first, when it still fits. kube-scheduler tries a pod's nominated node
// first and, once the node exists, keeps the room of nominated pods from pods of equal or
// lower priority (KEP-5278, NominatedNodeNameForExpectation): the pods this controller
// nominated when it bought their nodes go where they were planned. Re-packed first fit
// decreasing across all booting nodes instead, the same pods could leave the room planned
// for them stranded in small pieces, and the pass would buy again for pods already provided for.
func (pl *planner) placeNominated() {
	if len(pl.nominations) == 0 {
		return
	}
	byName := make(map[string]*schedsim.Node, len(pl.cluster.Nodes))
	for _, n := range pl.cluster.Nodes {
		if n.Kind != schedsim.KindPlanned {
			byName[n.Name] = n
		}
	}
	for _, c := range pl.classes {
		var placed, rest []*schedsim.PodInfo
		for _, p := range c.Remaining() {
			n := byName[pl.nominations[p.Name]]
			if n == nil || !c.FitsStatically(n) || !pl.cluster.DynamicFit(p, n).OK() {
				rest = append(rest, p)
				continue
			}
			pl.cluster.Place(p, n)
			pl.existing = append(pl.existing, Placement{Pod: p.Name, Node: n.Name, InFlight: n.Kind == schedsim.KindInFlight})
			placed = append(placed, p)
		}
		// The placed pods move to the front of the class's unplaced ones, as a class's
		// placed pods are always Pods[:Next]; the rest keep their order.
		copy(c.Pods[c.Next:], append(placed, rest...))
		c.Next += len(placed)
	}
}

// nominationsOf is each pending pod's nominated node: its status.nominatedNodeName, else
// what the snapshot says this controller nominated it to and the cache may not show yet.
func nominationsOf(s *Snapshot) map[types.NamespacedName]string {
	out := map[types.NamespacedName]string{}
	for _, p := range s.Pending {
		key := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
		if n := p.Status.NominatedNodeName; n != "" {
			out[key] = n
		} else if n := s.Nominations[key]; n != "" {
			out[key] = n
		}
	}
	return out
}
