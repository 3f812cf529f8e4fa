package scaleup

import (
	"slices"
	"sort"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// unitPrices value resources as the cheapest fractional purchase of the waiting demand
// would: the dual prices of the linear relaxation "cover the CPU and memory demand with
// offerings bought in fractions". A pod's worth is what its requests cost at these prices,
// so a node that holds complementary pods (CPU-heavy with memory-heavy) is worth more per
// euro than one that fills one resource and strands the other.
type unitPrices struct {
	cpu, memory float64 // per millicore, per byte
}

func (u unitPrices) of(r schedsim.Resources) float64 {
	return u.cpu*float64(r.CPU) + u.memory*float64(r.Memory)
}

// dualVertices are the candidate solutions of the dual, max demand·y subject to alloc·y ≤ price for every
// template: its vertices, one template's constraint tight with the other price zero, or two templates' constraints
// tight at once, those that no template undercuts. They do not depend on the demand, so they are found once per
// plan (templates cubed, on templates of distinct size and price) and bestPrices picks among them as the demand
// shrinks.
func dualVertices(ts []*template) []unitPrices {
	ts = distinctOffers(ts)
	var out []unitPrices
	consider := func(y unitPrices) {
		if y.cpu >= 0 && y.memory >= 0 && affordable(ts, y) && !slices.Contains(out, y) {
			out = append(out, y)
		}
	}
	for i, a := range ts {
		ac, am := float64(a.alloc.CPU), float64(a.alloc.Memory)
		if ac > 0 {
			consider(unitPrices{cpu: a.price() / ac})
		}
		if am > 0 {
			consider(unitPrices{memory: a.price() / am})
		}
		for _, b := range ts[i+1:] {
			bc, bm := float64(b.alloc.CPU), float64(b.alloc.Memory)
			if det := ac*bm - bc*am; det != 0 {
				consider(unitPrices{cpu: (a.price()*bm - b.price()*am) / det, memory: (ac*b.price() - bc*a.price()) / det})
			}
		}
	}
	return out
}

// distinctOffers keeps one template per allocatable CPU, memory and price: the same offering in several
// datacenters or groups adds no vertex.
func distinctOffers(ts []*template) []*template {
	type offerKey struct {
		cpu, memory int64
		price       float64
	}
	seen := map[offerKey]bool{}
	var out []*template
	for _, t := range ts {
		if k := (offerKey{t.alloc.CPU, t.alloc.Memory, t.price()}); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

// bestPrices is the vertex worth most for the demand: by LP duality, what the cheapest fractional purchase of it
// costs.
func bestPrices(vertices []unitPrices, demand schedsim.Resources) unitPrices {
	var best unitPrices
	bestWorth := -1.0
	for _, y := range vertices {
		if w := y.of(demand); w > bestWorth {
			best, bestWorth = y, w
		}
	}
	return best
}

// affordable reports whether no template sells its resources for less than y values them.
func affordable(ts []*template, y unitPrices) bool {
	for _, t := range ts {
		if y.of(t.alloc) > t.price()*(1+epsilon)+epsilon {
			return false
		}
	}
	return true
}

// setWorth values each waiting class at the unit prices of all the waiting demand, and bounds
// each usable template's best possible score: price over the worth of its whole allocatable.
// A pod that requests nothing still gets a sliver of its weight, so nodes of such pods rank
// by price; the bound allows for the slivers of a full node.
func (pl *planner) setWorth(active []*podClass) {
	var demand schedsim.Resources
	var heaviest float64
	for _, c := range active {
		demand = demand.Plus(c.Rep.Req.Times(int64(len(c.Remaining()))))
		heaviest = max(heaviest, c.weight)
	}
	if pl.byBound == nil {
		for _, t := range pl.templates {
			if t.group.usable() {
				pl.byBound = append(pl.byBound, t)
			}
		}
		pl.vertices = dualVertices(pl.byBound)
	}
	y := bestPrices(pl.vertices, demand)
	pl.prices = y
	for _, c := range active {
		c.worth = y.of(c.Rep.Req) + sliver*c.weight
	}
	for _, t := range pl.byBound {
		if full := y.of(t.alloc) + sliver*heaviest*float64(t.alloc.Pods); full > 0 {
			t.bound = t.price() / full
		}
	}
	sort.Slice(pl.byBound, func(i, j int) bool {
		a, b := pl.byBound[i], pl.byBound[j]
		return a.bound < b.bound || a.bound == b.bound && a.index < b.index
	})
}

// sliver is the share of its weight a pod is worth beyond its requests.
const sliver = 1e-6
