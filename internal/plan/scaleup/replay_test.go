package scaleup

import (
	"testing"
)

// replay re-checks every commitment of a finished plan, in order, with the predicates
// evaluated from scratch: no tracker, no cache, no class shortcut. Nodes are taken as they
// ended (after right-sizing), which is what the scheduler will see.
func replay(t *testing.T, pl *planner) {
	t.Helper()
	var nodes []*simNode
	pods := map[*simNode][]*podInfo{}
	for _, step := range pl.cluster.journal {
		n := step.node
		if step.pod == nil {
			nodes = append(nodes, n)
			for _, p := range n.pods {
				if p.class == nil { // bound before the plan
					pods[n] = append(pods[n], p)
				}
			}
			continue
		}
		p := step.pod
		if why := naiveRefusal(p, n, nodes, pods); why != "" {
			t.Fatalf("%s on %s (%s, %s): %s", p.name, n.name, n.kind.String(), n.labels[labelZone], why)
		}
		pods[n] = append(pods[n], p)
	}
}

func naiveRefusal(p *podInfo, n *simNode, nodes []*simNode, pods map[*simNode][]*podInfo) string {
	if f := staticFit(p, n); !f.ok() {
		return f.message
	}
	used := p.req
	for _, q := range pods[n] {
		used = used.plus(q.req)
	}
	if f := resourcesFit(used, n.alloc); !f.ok() {
		return "over allocatable: " + f.reason.String()
	}
	for _, m := range nodes {
		for _, q := range pods[m] {
			for _, term := range p.anti {
				if sharesDomain(n, m, term.topologyKey) && term.matches(q) {
					return "anti-affinity with " + q.name.String()
				}
			}
			for _, term := range q.anti {
				if sharesDomain(n, m, term.topologyKey) && term.matches(p) {
					return "repelled by " + q.name.String()
				}
			}
		}
	}
	return naiveSpreadRefusal(p, n, nodes, pods)
}

// naiveSpreadRefusal counts domains over the nodes present only. The planner also counts
// datacenters where a node could be bought as empty domains, which can only lower the
// minimum, so whatever it allowed must pass here too.
func naiveSpreadRefusal(p *podInfo, n *simNode, nodes []*simNode, pods map[*simNode][]*podInfo) string {
	for i := range p.spread {
		rule := &p.spread[i]
		if _, ok := n.labels[rule.key]; !ok {
			return "no " + rule.key + " label"
		}
		t := &spreadTracker{owner: p, rule: rule}
		counts := map[string]int{}
		for _, m := range nodes {
			if !t.isEligible(m) {
				continue
			}
			counts[m.labels[rule.key]] += 0
			for _, q := range pods[m] {
				if t.matches(q) {
					counts[m.labels[rule.key]]++
				}
			}
		}
		lowest := counts[n.labels[rule.key]]
		for _, c := range counts {
			lowest = min(lowest, c)
		}
		if len(counts) < rule.minDomains {
			lowest = 0
		}
		if skew := counts[n.labels[rule.key]] + rule.selfMatch - lowest; skew > rule.maxSkew {
			return rule.key + " skew " + itoa(int64(skew))
		}
	}
	return ""
}
