package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// fill packs a tentative node of t, largest classes first. A class that does not interact
// goes in as a block, as many as fit; one that does goes pod by pod, stopping at the first
// refusal, since its next pod is identical and would be refused too. The fill stops as soon
// as the node cannot hold even the smallest request left (floor).
func (pl *planner) fill(t *template, active []*podClass, floor []schedsim.Resources) candidate {
	cand := candidate{tmpl: t, node: t.node(triedName)}
	for i, c := range active {
		if !schedsim.Within(floor[i], cand.node.Free) {
			break
		}
		if !c.tmplFit[t.index].OK() {
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

func (pl *planner) fillClass(n *schedsim.Node, c *podClass) int {
	rem := c.Remaining()
	if !c.interacts {
		k := int(min(int64(len(rem)), c.Rep.Req.CopiesIn(n.Free)))
		for _, p := range rem[:k] {
			n.Add(p)
		}
		return k
	}
	k := 0
	for _, p := range rem {
		if !pl.cluster.DynamicFit(p, n).OK() {
			break
		}
		n.Add(p)
		k++
	}
	return k
}

// floors holds, for each position in active, the smallest request of every kind among the
// classes from there on: a node with less free than that in any kind can take none of them.
func floors(active []*podClass) []schedsim.Resources {
	out := make([]schedsim.Resources, len(active))
	var low schedsim.Resources
	for i := len(active) - 1; i >= 0; i-- {
		r := active[i].Rep.Req
		if i == len(active)-1 {
			low = schedsim.Resources{CPU: r.CPU, Memory: r.Memory, Storage: r.Storage, Pods: r.Pods}
		}
		low = schedsim.Resources{CPU: min(low.CPU, r.CPU), Memory: min(low.Memory, r.Memory), Storage: min(low.Storage, r.Storage), Pods: min(low.Pods, r.Pods)}
		out[i] = low
	}
	return out
}
