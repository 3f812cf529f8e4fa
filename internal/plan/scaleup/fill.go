package scaleup

// fill packs a tentative node of t, largest classes first. A class that does not interact
// goes in as a block, as many as fit; one that does goes pod by pod, stopping at the first
// refusal, since its next pod is identical and would be refused too. The fill stops as soon
// as the node cannot hold even the smallest request left (floor).
func (pl *planner) fill(t *template, active []*podClass, floor []resources) candidate {
	cand := candidate{tmpl: t, node: t.node(triedName)}
	for i, c := range active {
		if !within(floor[i], cand.node.free) {
			break
		}
		if !c.tmplFit[t.index].ok() {
			continue
		}
		if k := pl.fillClass(cand.node, c); k > 0 {
			cand.takes = append(cand.takes, take{class: c, n: k})
			cand.value += float64(k) * c.worth
			cand.alone += float64(k) * c.weight
			cand.pods += k
		}
	}
	return cand
}

func (pl *planner) fillClass(n *simNode, c *podClass) int {
	rem := c.remaining()
	if !c.interacts {
		k := int(min(int64(len(rem)), c.rep.req.copiesIn(n.free)))
		for _, p := range rem[:k] {
			n.add(p)
		}
		return k
	}
	k := 0
	for _, p := range rem {
		if !pl.cluster.dynamicFit(p, n).ok() {
			break
		}
		n.add(p)
		k++
	}
	return k
}

// floors holds, for each position in active, the smallest request of every kind among the
// classes from there on: a node with less free than that in any kind can take none of them.
func floors(active []*podClass) []resources {
	out := make([]resources, len(active))
	var low resources
	for i := len(active) - 1; i >= 0; i-- {
		r := active[i].rep.req
		if i == len(active)-1 {
			low = resources{cpu: r.cpu, memory: r.memory, storage: r.storage, pods: r.pods}
		}
		low = resources{cpu: min(low.cpu, r.cpu), memory: min(low.memory, r.memory), storage: min(low.storage, r.storage), pods: min(low.pods, r.pods)}
		out[i] = low
	}
	return out
}
