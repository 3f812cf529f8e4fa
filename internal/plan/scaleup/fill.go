package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// fill packs a tentative node of t, largest classes first. A class that does not interact
// goes in as a block, as many as fit; one that does goes pod by pod, stopping at the first
// refusal, since its next pod is identical and would be refused too. The fill stops as soon
// as the node cannot hold even the smallest request left (floor).
//
// A class with required pod affinity refused for want of the pods it follows gets one pod of
// each class it follows pulled forward, then another try, before smaller classes take the
// room: the scheduler, taking pods as they come, puts them together. The takes keep the order
// the pods went in, so committing them repeats every check the fill passed.
func (pl *planner) fill(t *template, active []*podClass, floor []schedsim.Resources) candidate {
	cand := candidate{tmpl: t, node: t.node(triedName)}
	for i, c := range active {
		if !schedsim.Within(floor[i], cand.node.Free) {
			break
		}
		if !c.tmplFit[t.index].OK() {
			continue
		}
		pl.fillInto(&cand, c, -1)
		if len(c.Rep.Affinity) == 0 || cand.taken(c) == len(c.Remaining()) {
			continue
		}
		pulled := false
		for _, d := range active[i+1:] {
			if d.tmplFit[t.index].OK() && follows(c, d) && pl.fillInto(&cand, d, 1) > 0 {
				pulled = true
			}
		}
		if pulled {
			pl.fillInto(&cand, c, -1)
		}
	}
	return cand
}

// follows reports whether c's pods must run beside d's: d's pods match all of c's terms.
func follows(c, d *podClass) bool {
	for _, term := range c.Rep.Affinity {
		if !term.Matches(d.Rep) {
			return false
		}
	}
	return true
}

// fillInto adds c's pods not taken yet to the candidate while they fit, at most limit of them
// (no limit when negative), and returns how many went in.
func (pl *planner) fillInto(cand *candidate, c *podClass, limit int) int {
	k := pl.fillClass(cand.node, c, cand.taken(c), limit)
	if k > 0 {
		cand.value += float64(k) * c.worth
		cand.alone += float64(k) * c.weight
		cand.pods += k
		cand.takes = append(cand.takes, take{class: c, n: k})
	}
	return k
}

// taken is how many of c's pods the candidate holds.
func (cand *candidate) taken(c *podClass) int {
	n := 0
	for _, tk := range cand.takes {
		if tk.class == c {
			n += tk.n
		}
	}
	return n
}

// fillClass adds c's remaining pods from the from-th on to n while they fit, at most limit
// of them when limit is not negative.
func (pl *planner) fillClass(n *schedsim.Node, c *podClass, from, limit int) int {
	rem := c.Remaining()[from:]
	if limit >= 0 && limit < len(rem) {
		rem = rem[:limit]
	}
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
