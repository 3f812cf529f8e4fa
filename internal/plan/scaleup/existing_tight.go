package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// placeTightly fills the room left on each Node and booting node, in the order first fit would try them, with the
// combination of waiting pods that uses it fullest (the exact search of fillTightest, CPU and memory each counted as a
// share of the node, the fewest pods among equals). kube-scheduler places pods on nodes as they turn Ready in its own
// queue order, not as planned, so the booting nodes' room comes back in pieces of other sizes than the pods left
// waiting; first fit decreasing put the largest pods first and left pieces only small pods fit, and the pass bought
// new nodes for pods the pieces could have held together. Only classes that do not interact take part, as in the
// fills; first fit places the rest.
func (pl *planner) placeTightly() {
	for _, n := range pl.cluster.Nodes {
		if n.Kind == schedsim.KindPlanned || n.Free.CPU <= 0 && n.Free.Memory <= 0 {
			continue
		}
		usable, classes := pl.shapesOn(n)
		if len(usable) == 0 || len(usable) > tightShapeLimit {
			continue
		}
		prices := unitPrices{cpu: 1 / float64(max(n.Alloc.CPU, 1)), memory: 1 / float64(max(n.Alloc.Memory, 1))}
		s := newTightSearch(usable, prices)
		s.search(0, n.Free, 0, 0)
		for i, k := range s.best.counts {
			pl.placeShape(n, classes[i], k)
		}
	}
}

// shapesOn lists the shapes of the waiting classes that do not interact and whose pods fit n, each with the classes
// that have it, in the classes' order (largest first).
func (pl *planner) shapesOn(n *schedsim.Node) ([]*shape, [][]*podClass) {
	var out []*shape
	var classes [][]*podClass
	for _, c := range pl.classes {
		rem := c.Remaining()
		if c.shape < 0 || len(rem) == 0 || !c.FitsStatically(n) || !pl.cluster.DynamicFit(rem[0], n).OK() {
			continue
		}
		i := 0
		for i < len(out) && out[i].id != c.shape {
			i++
		}
		if i == len(out) {
			out, classes = append(out, &shape{id: c.shape, req: c.Rep.Req}), append(classes, nil)
		}
		out[i].left += len(rem)
		classes[i] = append(classes[i], c)
	}
	return out, classes
}

// placeShape places k waiting pods of the classes (one shape) on n, from the first class on.
func (pl *planner) placeShape(n *schedsim.Node, classes []*podClass, k int) {
	for _, c := range classes {
		for ; k > 0 && len(c.Remaining()) > 0; k-- {
			p := c.Remaining()[0]
			pl.cluster.Place(p, n)
			c.Next++
			pl.existing = append(pl.existing, Placement{Pod: p.Name, Node: n.Name, InFlight: n.Kind == schedsim.KindInFlight})
		}
	}
}
