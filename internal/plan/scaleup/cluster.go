package scaleup

// cluster is the simulated cluster: every node in the order pending pods try them, plus the
// indexes the inter-pod predicates need to stay fast.
type cluster struct {
	nodes []*simNode
	// holders are pods with an anti-affinity term whose topology is wider than one node;
	// checking a pod against them beats scanning every node of the zone.
	holders  []holder
	trackers []*spreadTracker
	// potential lists the values of a topology key on the new nodes a class could get;
	// nil in tests that simulate existing nodes only.
	potential func(c *podClass, key string) []string
	// journal is every commitment in order (a nil pod adds the node), so a test can replay
	// the plan against the predicates evaluated from scratch.
	journal []commitment
}

type commitment struct {
	node *simNode
	pod  *podInfo
}

type holder struct {
	pod  *podInfo
	node *simNode
}

// addNode commits n, with whatever it already runs, to the cluster.
func (c *cluster) addNode(n *simNode) {
	n.index = len(c.nodes)
	c.nodes = append(c.nodes, n)
	c.journal = append(c.journal, commitment{node: n})
	for _, p := range n.pods {
		c.hold(p, n)
	}
	for _, t := range c.trackers {
		t.addNode(n)
	}
}

// place commits pending pod p to committed node n.
func (c *cluster) place(p *podInfo, n *simNode) {
	n.add(p)
	n.placed = append(n.placed, p)
	c.journal = append(c.journal, commitment{node: n, pod: p})
	c.hold(p, n)
	for _, t := range c.trackers {
		t.observe(n, p)
	}
}

func (c *cluster) hold(p *podInfo, n *simNode) {
	for _, t := range p.anti {
		if t.topologyKey != labelHostname {
			c.holders = append(c.holders, holder{pod: p, node: n})
			return
		}
	}
}

// sameDomain calls visit for every node that shares n's value of key, n included even while
// it is only being tried, until visit returns false. A node without the key is in no domain,
// so nothing is visited: a term on a key the node lacks constrains nothing.
func (c *cluster) sameDomain(n *simNode, key string, visit func(*simNode) bool) {
	value, ok := n.labels[key]
	if !ok {
		return
	}
	if key == labelHostname { // hostnames are unique: the domain is the node itself
		visit(n)
		return
	}
	if n.tentative() && !visit(n) {
		return
	}
	for _, m := range c.nodes {
		if v, has := m.labels[key]; has && v == value && !visit(m) {
			return
		}
	}
}
