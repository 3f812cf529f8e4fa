package scaleup

import (
	"fmt"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// probation is the runaway guard's second half: a node that became Ready but takes none
// of the pods waiting for its group (a taint nothing tolerates, a broken CNI, a label
// the pods do not select) is a failed node too. Until the node runs a pod or its grace
// passes, the group makes no further nodes; after the grace, if the planner still wants
// nodes for the group, the node counts as failed and the group backs off.
type probation struct {
	mu    sync.Mutex
	grace time.Duration
	nodes map[string]probe // by Node name
}

type probe struct {
	group   types.NamespacedName
	readyAt time.Time
}

// verdict is how one node's probation ended.
type verdict struct {
	group  types.NamespacedName
	node   string
	failed bool
	reason string
}

func newProbation(grace time.Duration) *probation {
	return &probation{grace: grace, nodes: map[string]probe{}}
}

// add starts the probation of a node that became Ready.
func (p *probation) add(group types.NamespacedName, node string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nodes[node] = probe{group: group, readyAt: at}
}

// holdUntilOf is when the youngest of the group's nodes on probation that counts says hold
// stops holding it back.
func (p *probation) holdUntilOf(group types.NamespacedName, counts func(node string) bool) (time.Time, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var until time.Time
	var node string
	for name, pr := range p.nodes {
		if end := pr.readyAt.Add(p.grace); pr.group == group && counts(name) && end.After(until) {
			until, node = end, name
		}
	}
	if node == "" {
		return time.Time{}, ""
	}
	return until, fmt.Sprintf("new node %s has taken none of the pending pods yet", node)
}

// release ends the probation of nodes that run a pod (they pass) or are gone.
func (p *probation) release(nodes []plan.ExistingNode) []verdict {
	present := map[string]bool{}
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []verdict
	for _, n := range nodes {
		present[n.Node.Name] = true
		if pr, ok := p.nodes[n.Node.Name]; ok && runsWorkload(n.Pods) {
			out = append(out, verdict{group: pr.group, node: n.Node.Name})
			delete(p.nodes, n.Node.Name)
		}
	}
	for name := range p.nodes {
		if !present[name] {
			delete(p.nodes, name)
		}
	}
	return out
}

// expire ends the probations whose grace ran out: the node fails when the plan still
// wants nodes for its group (so the pods it was made for still wait), and passes otherwise.
func (p *probation) expire(now time.Time, res plan.Result) []verdict {
	wanted := map[types.NamespacedName]bool{}
	for _, in := range res.Intents {
		wanted[in.NodeGroup] = wanted[in.NodeGroup] || in.Reason == plan.ReasonPendingPods
	}
	for _, u := range res.Unschedulable {
		for _, v := range u.Verdicts {
			wanted[v.NodeGroup] = wanted[v.NodeGroup] || v.Reason == plan.ReasonBackingOff
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []verdict
	for name, pr := range p.nodes {
		if now.Before(pr.readyAt.Add(p.grace)) {
			continue
		}
		v := verdict{group: pr.group, node: name}
		if wanted[pr.group] {
			v.failed, v.reason = true, fmt.Sprintf("node %s was Ready for %s but took none of the pods waiting for its group",
				name, p.grace)
		}
		out = append(out, v)
		delete(p.nodes, name)
	}
	return out
}

// runsWorkload: the node runs a pod that draining it would have to move, the one rule
// (schedsim.NeedsNewHome): not a DaemonSet's (those land on every node), not a static
// pod's mirror (those come with the node), not finished or going.
func runsWorkload(pods []*corev1.Pod) bool {
	return slices.ContainsFunc(pods, schedsim.NeedsNewHome)
}
