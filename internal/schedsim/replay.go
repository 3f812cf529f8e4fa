package schedsim

// Replay re-checks every commitment of a finished simulation, in order, with the predicates
// evaluated from scratch: no tracker, no cache, no class shortcut. Nodes are taken as they
// ended (after any right-sizing), which is what the scheduler will see. It returns the first
// placement the scheduler would refuse and why, or ok. Tests use it to check the fast paths.
func Replay(journal []Commitment) (bad Commitment, why string, ok bool) {
	var nodes []*Node
	pods := map[*Node][]*PodInfo{}
	for _, step := range journal {
		n := step.Node
		if step.Pod == nil {
			nodes = append(nodes, n)
			for _, p := range n.Pods {
				if p.Class == nil { // bound before the simulation
					pods[n] = append(pods[n], p)
				}
			}
			continue
		}
		if why := naiveRefusal(step.Pod, n, nodes, pods); why != "" {
			return step, why, false
		}
		pods[n] = append(pods[n], step.Pod)
	}
	return Commitment{}, "", true
}

func naiveRefusal(p *PodInfo, n *Node, nodes []*Node, pods map[*Node][]*PodInfo) string {
	if f := StaticFit(p, n); !f.OK() {
		return f.Message
	}
	used := p.Req
	for _, q := range pods[n] {
		used = used.Plus(q.Req)
	}
	if f := ResourcesFit(used, n.Alloc); !f.OK() {
		return "over allocatable: " + f.Reason.String()
	}
	for _, m := range nodes {
		for _, q := range pods[m] {
			for _, term := range p.Anti {
				if sharesDomain(n, m, term.TopologyKey) && term.Matches(q) {
					return "anti-affinity with " + q.Name.String()
				}
			}
			for _, term := range q.Anti {
				if sharesDomain(n, m, term.TopologyKey) && term.Matches(p) {
					return "repelled by " + q.Name.String()
				}
			}
		}
	}
	return naiveSpreadRefusal(p, n, nodes, pods)
}

// naiveSpreadRefusal counts domains over the nodes present only. The planner also counts
// datacenters where a node could be bought as empty domains, which can only lower the
// minimum, so whatever it allowed must pass here too.
func naiveSpreadRefusal(p *PodInfo, n *Node, nodes []*Node, pods map[*Node][]*PodInfo) string {
	for i := range p.Spread {
		rule := &p.Spread[i]
		if _, ok := n.Labels[rule.key]; !ok {
			return "no " + rule.key + " label"
		}
		t := &spreadTracker{owner: p, rule: rule}
		counts := map[string]int{}
		for _, m := range nodes {
			if !t.isEligible(m) {
				continue
			}
			counts[m.Labels[rule.key]] += 0
			for _, q := range pods[m] {
				if t.matches(q) {
					counts[m.Labels[rule.key]]++
				}
			}
		}
		lowest := counts[n.Labels[rule.key]]
		for _, c := range counts {
			lowest = min(lowest, c)
		}
		if len(counts) < rule.minDomains {
			lowest = 0
		}
		if skew := counts[n.Labels[rule.key]] + rule.selfMatch - lowest; skew > rule.maxSkew {
			return rule.key + " skew " + itoa(int64(skew))
		}
	}
	return ""
}
