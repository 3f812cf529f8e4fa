package schedsim

import (
	corev1 "k8s.io/api/core/v1"
)

// NodeKind is where a simulated node comes from; pending pods try them in this order.
type NodeKind uint8

const (
	KindExisting NodeKind = iota // a registered Node
	KindInFlight                 // a VPSieNode still booting: its template, empty
	KindPlanned                  // a node this plan adds
)

// Node is a node in the simulation: a real Node, a booting VPSieNode or a planned node.
//
// An existing Node's Labels and Taints are the informer cache's own map and slice: they are
// only read; a node that needs its own (a cordoned one's extra taint, a planned node's
// hostname) gets a copy first.
type Node struct {
	Name   string
	Labels map[string]string
	Taints []corev1.Taint
	Alloc  Resources
	Free   Resources
	Pods   []*PodInfo // everything on the node, bound or placed by this plan
	Placed []*PodInfo // the pending pods this plan placed here
	Kind   NodeKind
	Index  int // position in Cluster.Nodes; -1 while the node is only being tried
}

// Add puts p on n without any check: the caller ran the predicates, or is filling a node
// that is only being tried.
func (n *Node) Add(p *PodInfo) {
	n.Pods = append(n.Pods, p)
	n.Free = n.Free.Minus(p.Req)
}

// Tentative reports a node only being tried, not committed to the cluster.
func (n *Node) Tentative() bool { return n.Index < 0 }

// NewExistingNode models a registered Node: its allocatable minus what its non-terminal pods
// request. A cordoned node gets the unschedulable taint the scheduler reads into it.
func NewExistingNode(en *ExistingNode, maxPods int64, vols *Volumes) *Node {
	node := en.Node
	list := node.Status.Allocatable
	if len(list) == 0 {
		list = node.Status.Capacity
	}
	alloc := fromList(list)
	alloc.Pods = maxPods
	if q, ok := list[corev1.ResourcePods]; ok {
		alloc.Pods = q.Value()
	}
	n := &Node{Name: node.Name, Labels: node.Labels, Taints: node.Spec.Taints, Alloc: alloc, Free: alloc, Kind: KindExisting}
	if node.Spec.Unschedulable {
		n.Taints = append(append([]corev1.Taint(nil), n.Taints...),
			corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule})
	}
	for _, p := range en.Pods {
		if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			n.Add(NewPodInfo(p, vols))
		}
	}
	return n
}

func (k NodeKind) String() string {
	return [...]string{"existing", "in flight", "planned"}[k]
}
