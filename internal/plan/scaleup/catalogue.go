package scaleup

import (
	"sort"
	"strings"
)

// catalogue indexes the offerings and knows which datacenters exist.
type catalogue struct {
	byID        map[string]*Offering
	datacenters map[string]bool // empty: the snapshot names none, so none is unknown
}

func newCatalogue(s *Snapshot) catalogue {
	c := catalogue{byID: map[string]*Offering{}, datacenters: map[string]bool{}}
	for i := range s.Offerings {
		o := &s.Offerings[i]
		if _, dup := c.byID[o.ID]; !dup { // the caller's first entry wins, whatever the order
			c.byID[o.ID] = o
		}
		for _, dc := range o.Datacenters {
			c.datacenters[dc] = true
		}
	}
	if len(s.Datacenters) > 0 {
		c.datacenters = map[string]bool{}
		for _, dc := range s.Datacenters {
			c.datacenters[dc] = true
		}
	}
	return c
}

// validate sets the group's issue when its spec names an offering or datacenter the
// catalogue does not know: a typo or a retired plan must be fixed, not half-used.
func (c catalogue) validate(g *group) {
	var unknown []string
	for _, id := range g.ng.Spec.OfferingIDs {
		if c.byID[id] == nil {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		g.issue = fail(ReasonUnknownOffering, plural("offering", unknown)+" not in the catalogue")
		return
	}
	unknown = nil
	for _, dc := range g.dcs {
		if len(c.datacenters) > 0 && !c.datacenters[dc.ID] {
			unknown = append(unknown, dc.ID)
		}
	}
	if len(unknown) > 0 {
		g.issue = fail(ReasonUnknownDatacenter, plural("datacenter", unknown)+" not in the catalogue")
	}
}

// plural renders `offering "a" is` or `offerings "a", "b" are`, sorted.
func plural(noun string, names []string) string {
	names = append([]string(nil), names...)
	sort.Strings(names)
	if len(names) == 1 {
		return noun + " " + quote(names[0]) + " is"
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quote(n)
	}
	return noun + "s " + strings.Join(quoted, ", ") + " are"
}

func quote(s string) string { return `"` + s + `"` }
