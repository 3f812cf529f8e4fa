package schedsim

// Cluster is the simulated cluster: every node in the order pending pods try them, plus the
// indexes the inter-pod predicates need to stay fast.
type Cluster struct {
	Nodes []*Node
	// holders are pods with an anti-affinity term whose topology is wider than one node;
	// checking a pod against them beats scanning every node of the zone.
	holders  []holder
	trackers []*spreadTracker
	// Potential lists the values of a topology key on the new nodes a class could get;
	// nil in tests that simulate existing nodes only.
	Potential func(c *Class, key string) []string
	// Journal is every Commitment in order (a nil pod adds the node), so a test can replay
	// the plan against the predicates evaluated from scratch.
	Journal []Commitment
}

// Commitment is one step of a simulation: a node added (Pod nil) or a pod placed on it.
type Commitment struct {
	Node *Node
	Pod  *PodInfo
}

type holder struct {
	pod  *PodInfo
	node *Node
}

// AddNode commits n, with whatever it already runs, to the cluster.
func (c *Cluster) AddNode(n *Node) {
	n.Index = len(c.Nodes)
	c.Nodes = append(c.Nodes, n)
	c.Journal = append(c.Journal, Commitment{Node: n})
	for _, p := range n.Pods {
		c.hold(p, n)
	}
	for _, t := range c.trackers {
		t.addNode(n)
	}
}

// Place commits pending pod p to committed node n.
func (c *Cluster) Place(p *PodInfo, n *Node) {
	n.Add(p)
	n.Placed = append(n.Placed, p)
	c.Journal = append(c.Journal, Commitment{Node: n, Pod: p})
	c.hold(p, n)
	for _, t := range c.trackers {
		t.observe(n, p)
	}
}

func (c *Cluster) hold(p *PodInfo, n *Node) {
	for _, t := range p.Anti {
		if t.TopologyKey != labelHostname {
			c.holders = append(c.holders, holder{pod: p, node: n})
			return
		}
	}
}

// sameDomain calls visit for every node that shares n's value of key, n included even while
// it is only being tried, until visit returns false. A node without the key is in no domain,
// so nothing is visited: a term on a key the node lacks constrains nothing.
func (c *Cluster) sameDomain(n *Node, key string, visit func(*Node) bool) {
	value, ok := n.Labels[key]
	if !ok {
		return
	}
	if key == labelHostname { // hostnames are unique: the domain is the node itself
		visit(n)
		return
	}
	if n.Tentative() && !visit(n) {
		return
	}
	for _, m := range c.Nodes {
		if v, has := m.Labels[key]; has && v == value && !visit(m) {
			return
		}
	}
}
