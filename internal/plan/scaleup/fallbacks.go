package scaleup

import (
	"cmp"
	"slices"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// Fallback is where an intent's nodes may go instead when VPSie has no capacity for the
// planned offering in the planned datacenter.
type Fallback struct {
	Offering     string
	Datacenter   string
	MonthlyPrice float64 // of one node
}

// fallbacks are the intent's alternatives, in the order a ScaleUp tries them: the group's
// other offerings at least as large in the same datacenter, cheapest first; then the same
// offering in the group's other datacenters by priority. Each must hold every pod the
// intent's nodes were planned for (their node selectors, affinity, zone and instance-type
// constraints and bound volumes: a node the pods cannot use is a VPS that bills for
// nothing), sit in a datacenter with room under its maxNodes and the quota, and, for growth
// to a datacenter's own minNodes, stay in that datacenter.
func (pl *planner) fallbacks(t *template, pods []*schedsim.PodInfo, reason Reason) []Fallback {
	g := t.group
	var same, other []*template
	for _, c := range g.templates {
		switch {
		case c == t || !pl.holdsAll(c, pods) || !pl.dcHasRoom(c):
		case c.dc == t.dc && c.offering.ID != t.offering.ID && c.alloc.CPU >= t.alloc.CPU && c.alloc.Memory >= t.alloc.Memory:
			same = append(same, c)
		case c.dc != t.dc && c.offering.ID == t.offering.ID && !(reason == ReasonBelowMinNodes && pl.dcMin(g, t.dc) > 0):
			other = append(other, c)
		}
	}
	slices.SortStableFunc(same, func(a, b *template) int {
		return cmp.Or(cmp.Compare(a.price(), b.price()), cmp.Compare(a.offering.ID, b.offering.ID))
	})
	var out []Fallback
	for _, c := range append(same, other...) { // g.templates keeps the datacenters' priority order
		out = append(out, Fallback{Offering: c.offering.ID, Datacenter: c.dc, MonthlyPrice: c.price()})
	}
	return out
}

// holdsAll reports whether a fresh node of t passes the static predicates for every pod.
func (pl *planner) holdsAll(t *template, pods []*schedsim.PodInfo) bool {
	for _, p := range pods {
		if !schedsim.StaticFit(p, t.proto).OK() {
			return false
		}
	}
	return true
}

// dcHasRoom reports whether one more node of t stays within its datacenter's maxNodes and
// the quota, as the plan stands. A fallback replaces a planned node, so the group's own
// maxNodes, which the plan may have filled, does not stop it.
func (pl *planner) dcHasRoom(t *template) bool {
	g := t.group
	for _, dc := range g.dcs {
		if dc.ID == t.dc && dc.MaxNodes > 0 && g.dcMembers[t.dc]+g.dcPlanned[t.dc] >= dc.MaxNodes {
			return false
		}
	}
	for _, key := range quotaKeys(t.dc) {
		if q, limited := pl.quota[key]; limited && (q.VMs < 1 || q.VCPUs < vcpus(t.offering)) {
			return false
		}
	}
	return true
}

func (pl *planner) dcMin(g *group, dc string) int32 {
	for _, d := range g.dcs {
		if d.ID == dc {
			return d.MinNodes
		}
	}
	return 0
}
