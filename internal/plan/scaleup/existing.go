package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// placeOnExisting puts pending pods on capacity that exists or is already coming, first fit
// decreasing: Nodes first (a pod there runs soonest), then booting VPSieNodes, then the nodes
// planned to reach minNodes, which are bought anyway.
func (pl *planner) placeOnExisting() { pl.firstFitAll(func(*podClass) bool { return true }) }

// refit gives pods that interact another chance on every node after a node is bought: the
// new node may have lifted a spread's lowest domain and so opened room elsewhere. Pods that do
// not interact were already offered every leftover before that node was bought.
func (pl *planner) refit() { pl.firstFitAll(func(c *podClass) bool { return c.interacts }) }

func (pl *planner) firstFitAll(which func(*podClass) bool) {
	for _, c := range pl.classes {
		if !which(c) {
			continue
		}
		from := 0
		for len(c.Remaining()) > 0 {
			p := c.Remaining()[0]
			i := pl.firstFit(c, p, from)
			if i < 0 {
				break // the next pod of the class is identical and would fail the same way
			}
			n := pl.cluster.Nodes[i]
			pl.cluster.Place(p, n)
			c.Next++
			if n.Kind != schedsim.KindPlanned {
				pl.existing = append(pl.existing, Placement{Pod: p.Name, Node: n.Name, InFlight: n.Kind == schedsim.KindInFlight})
			}
			// Nodes before i rejected this pod and only fill up, so they reject its twins
			// too; spread is the exception, as a count elsewhere can change the skew.
			if len(c.Rep.Spread) == 0 {
				from = i
			}
		}
	}
}

func (pl *planner) firstFit(c *podClass, p *schedsim.PodInfo, from int) int {
	for i := from; i < len(pl.cluster.Nodes); i++ {
		n := pl.cluster.Nodes[i]
		if c.FitsStatically(n) && pl.cluster.DynamicFit(p, n).OK() {
			return i
		}
	}
	return -1
}

// addPlanned commits a new node of t to the cluster and books it against the limits.
func (pl *planner) addPlanned(t *template, why Reason) *schedsim.Node {
	pl.seq++
	n := t.node(plannedName(pl.seq))
	pl.take(t)
	pl.commitNode(&tmplNode{Node: n, tmpl: t, reason: why})
	return n
}

// commitNode adds a node made from a template to the cluster, remembering its template.
func (pl *planner) commitNode(n *tmplNode) {
	pl.planned = append(pl.planned, n)
	pl.cluster.AddNode(n.Node)
}
