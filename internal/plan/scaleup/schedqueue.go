package scaleup

import (
	"slices"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// replayScheduler checks the plan against the order and the scores of kube-scheduler. The plan packs pods largest
// first onto the node it fills; the scheduler takes them in queue order and binds each to the feasible node that
// scores most (the least allocated, the most balanced), so a large pod that comes late can find no node with room
// left in one piece, and pods the plan placed wait for a second round. Each round plans again from the snapshot
// with the nodes the last round bought, places the pending pods left after the existing capacity as the scheduler
// would over them (see scheduleInQueueOrder), and packs what that leaves onto more nodes. It stops at the first
// round that leaves nothing, or after rounds.
func replayScheduler(s *Snapshot, o Options, pl *planner, rounds int) *planner {
	for range rounds {
		r := newPlanner(s, o)
		r.planMinNodes()
		r.placeOnExisting()
		for _, n := range pl.planned {
			if n.Kind == schedsim.KindPlanned && n.reason == ReasonPendingPods {
				r.addPlanned(r.templates[n.tmpl.index], ReasonPendingPods)
			}
		}
		left := r.scheduleInQueueOrder()
		if left > 0 {
			r.packNewNodes()
		}
		r.rightSize()
		pl = r
		if left == 0 {
			break
		}
	}
	return pl
}

// scheduleInQueueOrder places the pods still waiting as kube-scheduler would on the nodes this plan buys: in the
// scheduler's queue order, each on the feasible node that scores most (schedsim.Score; the first such node on a
// tie, where the scheduler picks one at random). Existing and booting nodes are left out: the pods that fit them
// were placed first fit before, and what is left fits them only once new nodes run their pods (see refit). It
// returns how many pods found no node.
func (pl *planner) scheduleInQueueOrder() int {
	var pods []*schedsim.PodInfo
	for _, c := range pl.classes {
		pods = append(pods, c.Remaining()...)
	}
	schedsim.QueueOrder(pods)
	left := 0
	for _, p := range pods {
		c := pl.classOf[p.Class]
		if n := pl.bestScored(c, p); n != nil {
			pl.cluster.Place(p, n)
			c.takePod(p)
		} else {
			left++
		}
	}
	return left
}

// bestScored is the planned node the scheduler would bind p to, nil when none is feasible.
func (pl *planner) bestScored(c *podClass, p *schedsim.PodInfo) *schedsim.Node {
	var best *schedsim.Node
	var bestScore int64
	for _, n := range pl.planned {
		if n.Kind != schedsim.KindPlanned || !c.FitsStatically(n.Node) || !pl.cluster.DynamicFit(p, n.Node).OK() {
			continue
		}
		if score := schedsim.Score(n.Node, p); best == nil || score > bestScore {
			best, bestScore = n.Node, score
		}
	}
	return best
}

// takePod marks p placed: the class's placed pods stay in front of its remaining ones, whatever order the
// scheduler's queue took them in.
func (c *podClass) takePod(p *schedsim.PodInfo) {
	i := c.Next + slices.Index(c.Remaining(), p)
	c.Pods[c.Next], c.Pods[i] = c.Pods[i], c.Pods[c.Next]
	c.Next++
}
