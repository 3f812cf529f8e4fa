package schedsim

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Simulation is the cluster as the scheduler would see it while nodes are taken away; the
// scale-down planner and the rebalance analyzer ask it whether a node's pods would fit on the
// others. The predicates are those scale-up plans with (resources, node selector and
// affinity, taints, required pod anti-affinity, hard topology spread). Every removal is tried on a copy and committed only
// when every pod found a node, so the pods of an earlier removal take room from a later one
// and no free room is counted twice.
type Simulation struct {
	maxPods int64
	nodes   []*Node // sorted by name; removed nodes are gone
}

// Refusal is a pod that fits on no node left, and the verdict of the node that came closest.
type Refusal struct {
	Pod     types.NamespacedName
	Reason  Reason // ReasonNone when no node is left at all
	Message string
}

// NewSimulation models nodes with the pods bound to them, as the scale-up planner does; Nodes
// being deleted are left out, and cordoned ones take no pod.
func NewSimulation(nodes []ExistingNode, opts Options) *Simulation {
	s := &Simulation{maxPods: opts.MaxPods()}
	for _, en := range Sorted(nodes, func(n *ExistingNode) string { return n.Node.Name }) {
		if en.Node.DeletionTimestamp == nil {
			s.nodes = append(s.nodes, NewExistingNode(en, s.maxPods, opts.Volumes))
		}
	}
	return s
}

// TryRemove simulates deleting node: each of its pods that NeedsNewHome is placed, first fit
// decreasing over the other nodes in name order. When all of them fit the removal is
// committed and the placements returned; otherwise nothing changes and the first pod that
// fits nowhere is refused. A node the simulation does not hold is removed trivially.
func (s *Simulation) TryRemove(node string) ([]Placement, Refusal, bool) {
	moves, refused := s.remove(node, false)
	if len(refused) > 0 {
		return nil, refused[0], false
	}
	return moves, Refusal{}, true
}

// Evacuate removes node whatever happens: its pods go where they fit and the rest are
// returned. It models a drain already under way, whose pods will take room somewhere.
func (s *Simulation) Evacuate(node string) ([]Placement, []Refusal) {
	return s.remove(node, true)
}

// Free is what node has left for pods, in millicores and bytes, after what runs there and
// what earlier removals placed there; ok is false for a node the simulation does not hold.
func (s *Simulation) Free(node string) (cpuMilli, memoryBytes int64, ok bool) {
	if i := s.index(node); i >= 0 {
		return s.nodes[i].Free.CPU, s.nodes[i].Free.Memory, true
	}
	return 0, 0, false
}

func (s *Simulation) index(node string) int {
	i, found := slices.BinarySearchFunc(s.nodes, node, func(n *Node, name string) int {
		switch {
		case n.Name < name:
			return -1
		case n.Name > name:
			return 1
		}
		return 0
	})
	if !found {
		return -1
	}
	return i
}

// remove places the movable pods of node on copies of the other nodes. With partial, pods
// that fit nowhere are refused and the rest committed; without, the first refusal aborts.
func (s *Simulation) remove(node string, partial bool) ([]Placement, []Refusal) {
	gone := s.index(node)
	if gone < 0 {
		return nil, nil
	}
	var c Cluster
	trial := make([]*Node, 0, len(s.nodes)-1)
	var ref Resources
	for i, n := range s.nodes {
		if i == gone {
			continue
		}
		cp := &Node{Name: n.Name, Labels: n.Labels, Taints: n.Taints, Alloc: n.Alloc, Free: n.Free,
			Pods: slices.Clone(n.Pods), Kind: KindExisting}
		c.AddNode(cp)
		trial = append(trial, cp)
		ref = Resources{CPU: max(ref.CPU, n.Alloc.CPU), Memory: max(ref.Memory, n.Alloc.Memory), Storage: max(ref.Storage, n.Alloc.Storage)}
	}
	var moving []*PodInfo
	for _, p := range s.nodes[gone].Pods {
		if NeedsNewHome(p.Pod) {
			info := NewPodInfo(p.Pod, nil) // a fresh info: the class is per run
			info.Volumes = p.Volumes
			moving = append(moving, info)
		}
	}
	sortBy(moving, func(p *PodInfo) string { return p.Name.String() }) // twins go in name order
	var moves []Placement
	var refused []Refusal
	for _, cl := range Classify(moving, ref) {
		for _, p := range cl.Pods {
			n := c.firstFit(cl, p)
			if n == nil {
				refused = append(refused, c.refusal(p))
				if !partial {
					return nil, refused
				}
				continue
			}
			c.Place(p, n)
			moves = append(moves, Placement{Pod: p.Name, Node: n.Name})
		}
	}
	s.nodes = trial
	sortBy(moves, func(m Placement) string { return m.Pod.String() })
	return moves, refused
}

func (c *Cluster) firstFit(cl *Class, p *PodInfo) *Node {
	for _, n := range c.Nodes {
		if cl.FitsStatically(n) && c.DynamicFit(p, n).OK() {
			return n
		}
	}
	return nil
}

// refusal explains a pod no node takes by the node that got furthest through the predicates.
func (c *Cluster) refusal(p *PodInfo) Refusal {
	r := Refusal{Pod: p.Name, Message: "no other node is left"}
	best := -1
	for _, n := range c.Nodes {
		f := StaticFit(p, n)
		if f.OK() {
			f = c.DynamicFit(p, n)
		}
		if f.OK() || f.Stage() <= best {
			continue
		}
		best = f.Stage()
		msg := f.Message
		if msg == "" {
			msg = shortOf(f.Reason, p.Req, n.Free)
		}
		r.Reason, r.Message = f.Reason, "no other node can take it; closest, "+n.Name+": "+msg
	}
	return r
}

// shortOf words a resource shortfall against one node's free room.
func shortOf(r Reason, req, free Resources) string {
	switch r {
	case ReasonInsufficientCPU:
		return "requests " + FormatCPU(req.CPU) + " CPU, " + FormatCPU(max(free.CPU, 0)) + " free"
	case ReasonInsufficientMemory:
		return "requests " + FormatBytes(req.Memory) + " memory, " + FormatBytes(max(free.Memory, 0)) + " free"
	case ReasonInsufficientEphemeralStorage:
		return "requests " + FormatBytes(req.Storage) + " ephemeral storage, " + FormatBytes(max(free.Storage, 0)) + " free"
	case ReasonTooManyPods:
		return "no pod slot free"
	}
	return r.String()
}

// NeedsNewHome reports whether draining its node must find pod p another one: it has not
// finished and is not being deleted, and it is neither a mirror pod (the kubelet runs it from
// a file) nor a DaemonSet's (a drain leaves those, and the DaemonSet runs one on every node).
func NeedsNewHome(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return false
	}
	if _, mirror := p.Annotations[corev1.MirrorPodAnnotationKey]; mirror {
		return false
	}
	for _, ref := range p.OwnerReferences {
		if ref.Controller != nil && *ref.Controller && ref.Kind == "DaemonSet" {
			return false
		}
	}
	return true
}
