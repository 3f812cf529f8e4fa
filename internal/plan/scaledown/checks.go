package scaledown

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// SafetyChecks runs this planner's safety checks (protected node, do-not-disrupt, kube-system,
// no controller, local storage, PodDisruptionBudgets) for another planner that drains nodes,
// the rebalance analyzer, so every disruption of a node is judged by the same rules. It reads
// Snapshot.Nodes, PDBs, PersistentVolumeClaims and PersistentVolumes.
type SafetyChecks struct {
	pl     *planner
	nodes  map[string]*corev1.Node
	moving map[string][]*corev1.Pod
}

// NewSafetyChecks prepares the checks over s; the budgets start at their status's allowance.
func NewSafetyChecks(s Snapshot) *SafetyChecks {
	c := &SafetyChecks{pl: &planner{s: &s, budgets: newBudgets(s.PDBs), localClaims: localClaims(&s)},
		nodes: map[string]*corev1.Node{}, moving: map[string][]*corev1.Pod{}}
	for i := range s.Nodes {
		en := &s.Nodes[i]
		c.nodes[en.Node.Name] = en.Node
		for j := range en.Pods {
			if p := en.Pods[j]; schedsim.NeedsNewHome(p) {
				c.moving[en.Node.Name] = append(c.moving[en.Node.Name], p)
			}
		}
		slices.SortFunc(c.moving[en.Node.Name], func(a, b *corev1.Pod) int {
			return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
		})
	}
	return c
}

// Check is the first check draining node would fail, in the planner's order: the node's
// protected annotation, each pod's own checks in name order, then the budgets left. Reason
// is ReasonNone when the node may be drained. It spends nothing.
func (c *SafetyChecks) Check(node string) Verdict {
	v := Verdict{Node: node}
	var b block
	if n := c.nodes[node]; n != nil {
		b = protected(n)
	}
	for _, p := range c.moving[node] {
		if !b.ok() {
			break
		}
		b = c.pl.podBlock(p)
	}
	if b.ok() {
		b = c.pl.pdbBlock(c.moving[node])
	}
	v.Reason, v.Message, v.Pod = b.reason, b.message, b.pod
	return v
}

// CheckAtDrain is Check without the budgets, for a drain about to run (a rebalance's may run
// hours after its plan): the node's protected annotation and each pod's own checks, in the
// same order. Budgets are left to the Eviction API, which the drain waits on; a budget with
// no disruption left is a wait, not a refusal.
func (c *SafetyChecks) CheckAtDrain(node string) Verdict {
	b := block{}
	if n := c.nodes[node]; n != nil {
		b = protected(n)
	}
	for _, p := range c.moving[node] {
		if !b.ok() {
			break
		}
		b = c.pl.podBlock(p)
	}
	return Verdict{Node: node, Reason: b.reason, Message: b.message, Pod: b.pod}
}

// Spend takes the evictions of node's pods from the budgets, for nodes drained together.
func (c *SafetyChecks) Spend(node string) { c.pl.spend(c.moving[node]) }
