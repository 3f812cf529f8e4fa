package cli

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/vpsie/vpsie-autoscaler/internal/membership"
)

// CostRow is one offering of one NodeGroup in `cost`.
type CostRow struct {
	Namespace   string  `json:"namespace"`
	NodeGroup   string  `json:"nodeGroup"`
	Offering    string  `json:"offering"`
	Nodes       int     `json:"nodes"`
	UnitMonthly float64 `json:"unitMonthly"`
	Monthly     float64 `json:"monthly"`
}

// GroupCost is one NodeGroup's monthly cost and what a rebalance could save (the
// analyzer's potential savings, gates and safety checks aside).
type GroupCost struct {
	Namespace        string    `json:"namespace"`
	NodeGroup        string    `json:"nodeGroup"`
	Monthly          float64   `json:"monthly"`
	PotentialSavings float64   `json:"potentialSavings"`
	Offerings        []CostRow `json:"offerings"`
}

// CostReport is the answer of `cost`.
type CostReport struct {
	Catalogue string      `json:"catalogue"`
	Groups    []GroupCost `json:"groups"`
	Monthly   float64     `json:"monthly"`
	Savings   float64     `json:"potentialSavings"`
}

func (a *App) runCost(ctx context.Context) error {
	p, err := a.runPlanners(ctx, nil)
	if err != nil {
		return err
	}
	if p.cat.Missing != "" {
		return &Error{Code: ExitError, Err: fmt.Errorf("cost needs the catalogue: %s", p.cat.Missing),
			Hint: "pass --catalogue FILE (a contract.Catalogue as JSON) or reach Temporal with --temporal-address"}
	}
	groups, err := a.groupsIn(p.view)
	if err != nil {
		return err
	}
	members := membership.New(p.view.VPSieNodes, p.view.Nodes)
	rep := CostReport{Catalogue: p.cat.Source}
	for _, g := range groups {
		gc := GroupCost{Namespace: g.Namespace, NodeGroup: g.Name}
		count := map[string]int{}
		for _, vn := range members.MembersOf(g.Key()) {
			count[vn.Spec.OfferingID]++
		}
		for off, n := range count {
			unit, _ := p.cat.price(off)
			gc.Offerings = append(gc.Offerings, CostRow{Namespace: g.Namespace, NodeGroup: g.Name, Offering: off, Nodes: n,
				UnitMonthly: unit, Monthly: unit * float64(n)})
			gc.Monthly += unit * float64(n)
		}
		sort.Slice(gc.Offerings, func(i, j int) bool { return gc.Offerings[i].Offering < gc.Offerings[j].Offering })
		for _, v := range p.rebal.Groups {
			if v.NodeGroup == g.Key() {
				gc.PotentialSavings = v.PotentialSavings
			}
		}
		rep.Groups = append(rep.Groups, gc)
		rep.Monthly += gc.Monthly
		rep.Savings += gc.PotentialSavings
	}
	return a.render(rep, func(w io.Writer, wide bool) error {
		t := newTable("NAMESPACE", "NODEGROUP", "OFFERING", "NODES", "PRICE/MO", "TOTAL/MO", "SAVINGS/MO")
		for _, g := range rep.Groups {
			for _, o := range g.Offerings {
				t.add(o.Namespace, o.NodeGroup, o.Offering, fmt.Sprint(o.Nodes), money(o.UnitMonthly), money(o.Monthly), "")
			}
			t.add(g.Namespace, g.NodeGroup, a.paint(bold, "(group)"), "", "", money(g.Monthly), a.paint(green, money(g.PotentialSavings)))
		}
		t.add("", a.paint(bold, "TOTAL"), "", "", "", money(rep.Monthly), a.paint(green, money(rep.Savings)))
		if err := t.write(w, wide); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "\nprices from %s; savings: what replacing nodes by cheaper fitting offerings would save (kubectl vpsie plan)\n", rep.Catalogue)
		return err
	})
}
