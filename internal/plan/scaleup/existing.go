package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// placeOnExisting puts pending pods on capacity that exists or is already coming: nominated
// pods on their nominated nodes (placeNominated), then each node's room filled fullest
// (placeTightly), then the rest first fit decreasing: Nodes first (a pod there runs soonest),
// then booting VPSieNodes, then the nodes planned to reach minNodes, which are bought anyway.
func (pl *planner) placeOnExisting() {
	pl.placeNominated()
	pl.placeTightly()
	pl.firstFitAll(func(*podClass) bool { return true }, nil)
}

// refit gives pods that interact another chance on every node after node bought is bought:
// the new node may have lifted a spread's lowest domain and so opened room elsewhere. Pods
// that do not interact were already offered every leftover before that node was bought. A
// pod refit onto a Node or a booting node waits for bought, not for that capacity alone.
func (pl *planner) refit(bought *tmplNode) {
	pl.firstFitAll(func(c *podClass) bool { return c.interacts }, bought)
}

func (pl *planner) firstFitAll(which func(*podClass) bool, bought *tmplNode) {
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
			switch {
			case n.Kind == schedsim.KindPlanned:
			case bought != nil:
				bought.after = append(bought.after, p)
			default:
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
func (pl *planner) addPlanned(t *template, why Reason) *tmplNode {
	pl.seq++
	n := &tmplNode{Node: t.node(plannedName(pl.seq)), tmpl: t, reason: why}
	pl.take(t)
	pl.commitNode(n)
	return n
}

// commitNode adds a node made from a template to the cluster, remembering its template.
func (pl *planner) commitNode(n *tmplNode) {
	pl.planned = append(pl.planned, n)
	pl.cluster.AddNode(n.Node)
}
