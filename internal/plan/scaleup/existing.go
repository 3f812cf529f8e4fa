package scaleup

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
		for len(c.remaining()) > 0 {
			p := c.remaining()[0]
			i := pl.firstFit(c, p, from)
			if i < 0 {
				break // the next pod of the class is identical and would fail the same way
			}
			n := pl.cluster.nodes[i]
			pl.cluster.place(p, n)
			c.next++
			if n.kind != plannedNode {
				pl.existing = append(pl.existing, Placement{Pod: p.name, Node: n.name, InFlight: n.kind == inFlightNode})
			}
			// Nodes before i rejected this pod and only fill up, so they reject its twins
			// too; spread is the exception, as a count elsewhere can change the skew.
			if len(c.rep.spread) == 0 {
				from = i
			}
		}
	}
}

func (pl *planner) firstFit(c *podClass, p *podInfo, from int) int {
	for i := from; i < len(pl.cluster.nodes); i++ {
		n := pl.cluster.nodes[i]
		if c.fitsStatically(n) && pl.cluster.dynamicFit(p, n).ok() {
			return i
		}
	}
	return -1
}

// addPlanned commits a new node of t to the cluster and books it against the limits.
func (pl *planner) addPlanned(t *template, why Reason) *simNode {
	pl.seq++
	n := t.node(plannedName(pl.seq))
	n.reason = why
	pl.take(t)
	pl.cluster.addNode(n)
	return n
}
