package scaleup

import (
	"context"
	"maps"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// nominationWriters bounds the status patches a pass sends at once.
const nominationWriters = 16

// nominator remembers where the plan put each pending pod: the booting or bought node the plan
// placed it on (ours). The next plan keeps those pods there (plan.Snapshot.Nominations): the
// nodes of an exact fill hold pods of several sizes, and re-packed first fit decreasing across
// the booting nodes the same pods left room stranded, and the pass bought again for pods
// already provided for (BenchmarkArrivalInBatches: 278 nodes instead of 250, before the
// planner also filled the booting nodes' room fullest). A new node on probation holds back
// only the intents for pods planned onto it (held).
//
// With scaleUp.nominatePods it also tells kube-scheduler: it sets each pod's
// status.nominatedNodeName (NominatedNodeNameForExpectation, beta and on by default since
// Kubernetes 1.35), so the scheduler keeps that room for the pod once the node exists, instead
// of filling each node as it turns Ready with whichever pods come first in its queue. It then
// follows KEP-5278's rules for a component other than the scheduler: it sets a nomination
// only where there is none, and changes or clears only the ones it set itself, when its plan
// moved the pod; one the scheduler set (preemption) is never touched. The API server clears a
// nomination when the pod is bound. Each write is a patch conditional on the pod's
// resourceVersion: one that lost a race is planned again at the next pass. The writes run in
// the background, at most nominationWriters at once, so a pass that nominates hundreds of pods
// does not hold up the next; ours records a nomination as soon as it is decided and forgets
// it if the write fails.
type nominator struct {
	mu   sync.Mutex
	ours map[types.NamespacedName]string
	sem  chan struct{}
}

func newNominator() *nominator {
	return &nominator{ours: map[types.NamespacedName]string{}, sem: make(chan struct{}, nominationWriters)}
}

// snapshot returns the nominations decided, for a Snapshot: the cache may not show them yet.
func (n *nominator) snapshot() map[types.NamespacedName]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return maps.Clone(n.ours)
}

// nodesOf names the nodes pods are nominated to by this controller.
func (n *nominator) nodesOf(pods []types.NamespacedName) map[string]bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[string]bool{}
	for _, p := range pods {
		if node := n.ours[p]; node != "" {
			out[node] = true
		}
	}
	return out
}

// nominationChange is one pod's status patch: from its nomination now to the one wanted;
// prev is what ours held before.
type nominationChange struct {
	pod            *corev1.Pod
	from, to, prev string
}

// changes compares each pending pod's nomination with the plan's node for it (wanted),
// records the changes in ours and returns them to write: a new nomination onto a node being
// made (booting or bought), or a change of one of ours that the plan no longer keeps.
func (n *nominator) changes(pending []*corev1.Pod, wanted map[types.NamespacedName]string,
	coming map[string]bool) []nominationChange {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []nominationChange
	live := make(map[types.NamespacedName]bool, len(pending))
	for _, p := range pending {
		key := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
		live[key] = true
		cur, ours, want := p.Status.NominatedNodeName, n.ours[key], wanted[key]
		var write bool
		switch {
		case cur == "" && ours != "":
			// Decided, not in the cache yet (or cleared since, by the API server at binding).
			write = want != ours && coming[want]
		case cur == "":
			write = want != "" && coming[want]
		default:
			write = cur == ours && want != cur
		}
		if write {
			out = append(out, nominationChange{pod: p, from: cur, to: want, prev: ours})
			n.set(key, want)
		}
	}
	for key := range n.ours {
		if !live[key] {
			delete(n.ours, key) // bound, deleted or no longer pending: nothing to keep
		}
	}
	return out
}

func (n *nominator) set(key types.NamespacedName, node string) {
	if node == "" {
		delete(n.ours, key)
	} else {
		n.ours[key] = node
	}
}

// write sends the patches in the background, nominationWriters at a time in all.
func (n *nominator) write(ctx context.Context, c client.Client, changes []nominationChange) {
	for _, ch := range changes {
		go func() {
			n.sem <- struct{}{}
			defer func() { <-n.sem }()
			if !n.writeOne(ctx, c, ch) {
				n.undo(ch)
			}
		}()
	}
}

// writeOne patches one pod's nomination; false when it was not written.
func (n *nominator) writeOne(ctx context.Context, c client.Client, ch nominationChange) bool {
	before := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ch.pod.Namespace, Name: ch.pod.Name,
		ResourceVersion: ch.pod.ResourceVersion}, Status: corev1.PodStatus{NominatedNodeName: ch.from}}
	after := before.DeepCopy()
	after.Status.NominatedNodeName = ch.to
	err := c.Status().Patch(ctx, after, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
	if err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
		// A conflict or a pod gone is the cluster moving on: the next pass sees it as it is.
		log.FromContext(ctx).V(1).Info("Nominating a pod to its planned node failed; the next pass tries again",
			"pod", ch.pod.Namespace+"/"+ch.pod.Name, "node", ch.to, "error", err.Error())
	}
	return err == nil
}

// undo restores ours after a write that failed, unless a later decision replaced it.
func (n *nominator) undo(ch nominationChange) {
	key := types.NamespacedName{Namespace: ch.pod.Namespace, Name: ch.pod.Name}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ours[key] == ch.to {
		n.set(key, ch.prev)
	}
}

// wantedNominations is where the plan put each pending pod it placed on a node: a Node or
// a booting node (plan.Result.Existing), or node i of a run started for its intent (named as
// the run names it). coming names the nodes being made: booting and bought.
func wantedNominations(res plan.Result, started map[int]contract.ScaleUpInput) (map[types.NamespacedName]string, map[string]bool) {
	wanted, coming := map[types.NamespacedName]string{}, map[string]bool{}
	for _, pl := range res.Existing {
		wanted[pl.Pod] = pl.Node
		if pl.InFlight {
			coming[pl.Node] = true
		}
	}
	for i, input := range started {
		for k, pods := range res.Intents[i].NodePods {
			if k >= len(input.Nodes) {
				break
			}
			name := input.Nodes[k].Name
			coming[name] = true
			for _, pod := range pods {
				wanted[pod] = name
			}
		}
	}
	return wanted, coming
}
