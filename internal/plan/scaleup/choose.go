package scaleup

import "math"

// epsilon absorbs float rounding when prices are compared; prices are cents at best.
const epsilon = 1e-9

// choose picks the node to buy, greedily by price per value (see candidate.value):
//  1. Only candidates that carry their group's budget (see budget) are considered while
//     there are any; when none does, nodes are scarce and the fill worth most is bought.
//  2. Among those, only candidates that cost no more than their pods would on nodes of their
//     own are considered while there are any, so the plan never costs more than one pod per
//     node. There always are, unless a spread, an anti-affinity or maxNodes forces dearer nodes.
//  3. The lowest price per value wins; less waste breaks a tie, then template order.
//  4. The winner's group's preferredInstanceType replaces it when the best candidate of that
//     offering in the group costs at most PreferredTolerance more per value.
func choose(cands []candidate, tolerance float64, b budget) candidate {
	pool := filter(cands, b.fits)
	if len(pool) == 0 {
		return richest(cands)
	}
	if cheap := filter(pool, candidate.acceptable); len(cheap) > 0 {
		pool = cheap
	}
	best := pool[0]
	var pref *candidate
	for i := range pool {
		c := &pool[i]
		if better(*c, best) {
			best = *c
		}
	}
	want := best.tmpl.group.preferred()
	for i := range pool {
		c := &pool[i]
		if c.tmpl.group == best.tmpl.group && c.tmpl.offering.ID == want && (pref == nil || better(*c, *pref)) {
			pref = c
		}
	}
	if pref != nil && pref.score() <= best.score()*(1+tolerance)+epsilon {
		return *pref
	}
	return best
}

// acceptable reports whether the node costs no more than its pods would on nodes of their own.
func (c candidate) acceptable() bool { return c.tmpl.price() <= c.alone*(1+epsilon) }

func (c candidate) score() float64 {
	if c.value <= 0 { // only free offerings hold these pods
		return 0
	}
	return c.tmpl.price() / c.value
}

// waste is the money spent on the node's idle capacity: its price times the share of its
// binding resource (CPU or memory, whichever is fuller) left unused.
func (c candidate) waste() float64 {
	share := func(free, alloc int64) float64 {
		if alloc <= 0 {
			return 0
		}
		return 1 - float64(free)/float64(alloc)
	}
	used := max(share(c.node.Free.CPU, c.tmpl.alloc.CPU), share(c.node.Free.Memory, c.tmpl.alloc.Memory))
	return c.tmpl.price() * (1 - used)
}

func better(a, b candidate) bool {
	if sa, sb := a.score(), b.score(); !near(sa, sb) {
		return sa < sb
	}
	if wa, wb := a.waste(), b.waste(); !near(wa, wb) {
		return wa < wb
	}
	return a.tmpl.index < b.tmpl.index
}

func near(a, b float64) bool { return math.Abs(a-b) <= epsilon*max(1, math.Abs(a), math.Abs(b)) }

func filter(cands []candidate, keep func(candidate) bool) []candidate {
	var out []candidate
	for _, c := range cands {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// richest is the candidate whose pods are worth most, the best use of a scarce node.
func richest(cands []candidate) candidate {
	best := cands[0]
	for _, c := range cands[1:] {
		if c.value > best.value*(1+epsilon) || near(c.value, best.value) && better(c, best) {
			best = c
		}
	}
	return best
}
