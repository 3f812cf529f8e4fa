package scaleup

// spreadTracker keeps, for one constraint of one pod class, how many matching pods each
// topology domain holds. It is built on first use and then updated on every placement, so a
// check costs a map lookup instead of a scan of the cluster.
//
// Its domains are those of the nodes, as for the scheduler, plus every datacenter where the
// pod could get a new node right now (as Karpenter does with zones): an empty datacenter
// counts as an empty domain, so a plan spreads over the group's datacenters instead of
// piling into the one that happens to have nodes already.
type spreadTracker struct {
	owner    *podInfo
	rule     *spreadRule
	counts   map[string]int // domain → matching pods on eligible nodes
	perCount map[int]int    // matching-pod count → domains with that count
	lowest   int            // the smallest count of any domain
	eligible map[*simNode]bool
}

func newSpreadTracker(c *cluster, owner *podInfo, rule *spreadRule) *spreadTracker {
	t := &spreadTracker{owner: owner, rule: rule, counts: map[string]int{}, perCount: map[int]int{}, eligible: map[*simNode]bool{}}
	for _, n := range c.nodes {
		t.addNode(n)
		for _, q := range n.pods {
			t.observe(n, q)
		}
	}
	if c.potential != nil && rule.key != labelHostname {
		for _, domain := range c.potential(owner.class, rule.key) {
			t.ensure(domain)
		}
	}
	return t
}

// isEligible decides whether a node is one of the constraint's domains: it must carry the
// key and, per the constraint's inclusion policies, accept the pod's affinity and taints.
func (t *spreadTracker) isEligible(n *simNode) bool {
	if _, ok := n.labels[t.rule.key]; !ok {
		return false
	}
	spec := &t.owner.pod.Spec
	if t.rule.honorAffinity && (!nodeSelectorMatches(spec.NodeSelector, n.labels).ok() ||
		!requiredAffinityMatches(spec.Affinity, n.name, n.labels).ok()) {
		return false
	}
	return !t.rule.honorTaints || taintsTolerated(spec.Tolerations, n.taints).ok()
}

func (t *spreadTracker) addNode(n *simNode) {
	ok := t.isEligible(n)
	t.eligible[n] = ok
	if ok {
		t.ensure(n.labels[t.rule.key])
	}
}

func (t *spreadTracker) ensure(domain string) {
	if _, seen := t.counts[domain]; !seen {
		t.counts[domain] = 0
		t.perCount[0]++
		t.lowest = 0
	}
}

// observe counts q if it lands in one of the tracker's domains and matches the selector.
func (t *spreadTracker) observe(n *simNode, q *podInfo) {
	if !t.eligible[n] || !t.matches(q) {
		return
	}
	domain := n.labels[t.rule.key]
	c := t.counts[domain]
	t.counts[domain] = c + 1
	t.perCount[c]--
	t.perCount[c+1]++
	if c == t.lowest && t.perCount[c] == 0 {
		t.lowest = c + 1
	}
}

func (t *spreadTracker) matches(q *podInfo) bool {
	return q.name.Namespace == t.owner.name.Namespace && !q.terminating() && t.rule.selector.Matches(q.labels)
}
