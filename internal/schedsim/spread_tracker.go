package schedsim

// spreadTracker keeps, for one constraint of one pod class, how many matching pods each
// topology domain holds. It is built on first use and then updated on every placement, so a
// check costs a map lookup instead of a scan of the cluster.
//
// Its domains are those of the nodes, as for the scheduler, plus every datacenter where the
// pod could get a new node right now (as Karpenter does with zones): an empty datacenter
// counts as an empty domain, so a plan spreads over the group's datacenters instead of
// piling into the one that happens to have nodes already.
type spreadTracker struct {
	owner    *PodInfo
	rule     *SpreadRule
	counts   map[string]int // domain → matching pods on eligible nodes
	perCount map[int]int    // matching-pod count → domains with that count
	lowest   int            // the smallest count of any domain
	eligible map[*Node]bool
}

func newSpreadTracker(c *Cluster, owner *PodInfo, rule *SpreadRule) *spreadTracker {
	t := &spreadTracker{owner: owner, rule: rule, counts: map[string]int{}, perCount: map[int]int{}, eligible: map[*Node]bool{}}
	for _, n := range c.Nodes {
		t.addNode(n)
	}
	if c.Potential != nil && rule.key != labelHostname {
		for _, domain := range c.Potential(owner.Class, rule.key) {
			t.ensure(domain)
		}
	}
	return t
}

// isEligible decides whether a node is one of the constraint's domains: it must carry the
// key of every hard constraint of the pod (the scheduler skips a node lacking any of them for
// all of them) and, per the constraint's inclusion policies, accept the pod's affinity and
// taints.
func (t *spreadTracker) isEligible(n *Node) bool {
	for i := range t.owner.Spread {
		if _, ok := n.Labels[t.owner.Spread[i].key]; !ok {
			return false
		}
	}
	spec := &t.owner.Pod.Spec
	if t.rule.honorAffinity && (!nodeSelectorMatches(spec.NodeSelector, n.Labels).OK() ||
		!requiredAffinityMatches(spec.Affinity, n.Name, n.Labels).OK()) {
		return false
	}
	return !t.rule.honorTaints || taintsTolerated(spec.Tolerations, n.Taints).OK()
}

// addNode makes n's domain known and counts the pods n holds already: a node committed
// after the tracker was built (an in-flight node with bound pods) counts like any other.
func (t *spreadTracker) addNode(n *Node) {
	ok := t.isEligible(n)
	t.eligible[n] = ok
	if !ok {
		return
	}
	t.ensure(n.Labels[t.rule.key])
	for _, q := range n.Pods {
		t.observe(n, q)
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
func (t *spreadTracker) observe(n *Node, q *PodInfo) {
	if !t.eligible[n] || !t.matches(q) {
		return
	}
	domain := n.Labels[t.rule.key]
	c := t.counts[domain]
	t.counts[domain] = c + 1
	t.perCount[c]--
	t.perCount[c+1]++
	if c == t.lowest && t.perCount[c] == 0 {
		t.lowest = c + 1
	}
}

func (t *spreadTracker) matches(q *PodInfo) bool {
	return q.Name.Namespace == t.owner.Name.Namespace && !q.terminating() && t.rule.selector.Matches(q.Labels)
}
