package scaleup

import (
	"sort"

	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// intents folds the planned nodes into one intent per group, offering, datacenter and reason.
func (pl *planner) intents() []Intent {
	type key struct {
		group    types.NamespacedName
		offering string
		dc       string
		reason   Reason
	}
	byKey := map[key]*Intent{}
	tmpls := map[key]*template{}
	pods := map[key][]*schedsim.PodInfo{}
	var order []key
	for _, n := range pl.planned {
		if n.Kind != schedsim.KindPlanned {
			continue
		}
		k := key{n.tmpl.group.key, n.tmpl.offering.ID, n.tmpl.dc, n.reason}
		in := byKey[k]
		if in == nil {
			in = &Intent{NodeGroup: k.group, Offering: k.offering, Datacenter: k.dc, Reason: k.reason}
			byKey[k], tmpls[k] = in, n.tmpl
			order = append(order, k)
		}
		in.Count++
		in.MonthlyPrice += n.tmpl.price()
		nodePods := make([]types.NamespacedName, 0, len(n.Placed))
		for _, p := range n.Placed {
			nodePods = append(nodePods, p.Name)
		}
		sortNames(nodePods)
		in.Pods = append(in.Pods, nodePods...)
		in.NodePods = append(in.NodePods, nodePods)
		for _, p := range n.after {
			in.After = append(in.After, p.Name)
		}
		pods[k] = append(pods[k], n.Placed...)
	}
	out := make([]Intent, 0, len(order))
	for _, k := range order {
		in := byKey[k]
		sortNames(in.Pods)
		sortNames(in.After)
		in.Fallbacks = pl.fallbacks(tmpls[k], pods[k], k.reason)
		out = append(out, *in)
	}
	sort.SliceStable(out, func(i, j int) bool { return intentLess(&out[i], &out[j]) })
	return out
}

func intentLess(a, b *Intent) bool {
	switch {
	case a.NodeGroup != b.NodeGroup:
		return a.NodeGroup.String() < b.NodeGroup.String()
	case a.Datacenter != b.Datacenter:
		return a.Datacenter < b.Datacenter
	case a.Offering != b.Offering:
		return a.Offering < b.Offering
	}
	return a.Reason < b.Reason
}

func sortNames(names []types.NamespacedName) {
	sort.Slice(names, func(i, j int) bool { return names[i].String() < names[j].String() })
}
