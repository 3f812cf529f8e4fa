package scaleup

import (
	corev1 "k8s.io/api/core/v1"
)

// nodeKind is where a simulated node comes from; pending pods try them in this order.
type nodeKind uint8

const (
	existingNode nodeKind = iota // a registered Node
	inFlightNode                 // a VPSieNode still booting: its template, empty
	plannedNode                  // a node this plan adds
)

// simNode is a node in the simulation: a real Node, a booting VPSieNode or a planned node.
type simNode struct {
	name   string
	labels map[string]string
	taints []corev1.Taint
	alloc  resources
	free   resources
	pods   []*podInfo // everything on the node, bound or placed by this plan
	placed []*podInfo // the pending pods this plan placed here
	kind   nodeKind
	tmpl   *template // the template of in-flight and planned nodes
	reason Reason    // why a planned node is planned
	index  int       // position in cluster.nodes; -1 while the node is only being tried
}

func (n *simNode) add(p *podInfo) {
	n.pods = append(n.pods, p)
	n.free = n.free.minus(p.req)
}

func (n *simNode) tentative() bool { return n.index < 0 }

// newExistingNode models a registered Node: its allocatable minus what its non-terminal pods
// request. A cordoned node gets the unschedulable taint the scheduler reads into it.
func newExistingNode(en *ExistingNode, maxPods int64) *simNode {
	node := &en.Node
	list := node.Status.Allocatable
	if len(list) == 0 {
		list = node.Status.Capacity
	}
	alloc := fromList(list)
	alloc.pods = maxPods
	if q, ok := list[corev1.ResourcePods]; ok {
		alloc.pods = q.Value()
	}
	n := &simNode{name: node.Name, labels: node.Labels, taints: node.Spec.Taints, alloc: alloc, free: alloc, kind: existingNode}
	if node.Spec.Unschedulable {
		n.taints = append(append([]corev1.Taint(nil), n.taints...),
			corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule})
	}
	for i := range en.Pods {
		p := &en.Pods[i]
		if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			n.add(newPodInfo(p))
		}
	}
	return n
}

func (k nodeKind) String() string {
	return [...]string{"existing", "in flight", "planned"}[k]
}
