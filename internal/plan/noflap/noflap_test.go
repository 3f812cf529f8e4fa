package noflap

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
)

const runFor = 30 * time.Minute

// web is CPU-heavy, api memory-heavy: 3 web and 2 api pods and the agent take about half of a
// node's 3.9 CPU and 7.65 GiB allocatable.
var (
	web = deployment{name: "web", cpu: "500m", mem: "512Mi"}
	api = deployment{name: "api", cpu: "250m", mem: "1Gi"}
)

// atThreshold is web 7–11 and api 8–12 replicas, each moving by -1, 0 or +1 every two minutes
// from 9 and 10: with the agents, 38–57 % of the CPU and 39–59 % of the memory of 4 nodes
// (starting at 47 % and 49 %), 30–46 % and 31–47 % of 5.
func atThreshold(seed uint64) workload {
	return workload{deployments: []deployment{web, api}, every: 2 * time.Minute,
		replicas: randomWalk(seed, 15, []int{9, 10}, []int{7, 8}, []int{11, 12})}
}

// halved is 70 % of 4 nodes, then 36 % from minute 5: the window runs out at minute 15.
func halved(uint64) workload {
	return workload{deployments: []deployment{web, api}, every: time.Minute, replicas: stepAt(30, 5, []int{14, 14}, []int{7, 7})}
}

// growing is 54 % of 3 nodes, then 2 web and 1 api pod more every two minutes until minute
// 20, when 5 nodes are needed.
func growing(uint64) workload {
	return workload{deployments: []deployment{web, api}, every: 2 * time.Minute, replicas: ramp(15, 10, []int{8, 8}, []int{2, 1})}
}

// flapCase is a workload, where it starts, and what the autoscaler may do with it.
type flapCase struct {
	name         string
	initialNodes int
	load         func(seed uint64) workload
	seeds        []uint64
	// packing schedules first fit by node name, a bin-packing profile, instead of
	// kube-scheduler's default spreading.
	packing bool
	// The fewest and most creates and deletes the run must make.
	minCreates, maxCreates, minDeletes, maxDeletes int
	// crossesThreshold: some node must be under both thresholds at some pass, or the
	// workload does not test what it claims to.
	crossesThreshold bool
	// known explains a flapping the design allows; such a run is skipped, not failed.
	known string
}

// The scale-up planner, the sample store and the scale-down planner, with the default
// NodeGroup policies and controller configuration, run every 10 s of a simulated half hour
// against a cluster whose nodes boot in 60 s and drain in 30 s.
func TestScaleUpAndScaleDownDoNotFlap(t *testing.T) {
	tests := []flapCase{
		{
			// These seeds each drain one node at some point, leaving 3 that stay between
			// 51 % and 76 %.
			name: "load moving around the threshold of 4 nodes", initialNodes: 4, load: atThreshold,
			seeds: []uint64{1, 2, 3, 4, 5}, minDeletes: 1, maxDeletes: 1, crossesThreshold: true,
		},
		{
			name: "load moving around the threshold after a scale-down from 5 nodes", initialNodes: 5, load: atThreshold,
			seeds: []uint64{1, 2, 3, 4, 5}, minDeletes: 1, maxDeletes: 2, crossesThreshold: true,
		},
		{
			name: "load halved at minute 5 drains nodes and creates none", initialNodes: 4, seeds: []uint64{0},
			load: halved, minDeletes: 1, maxDeletes: 2,
		},
		{
			name: "load halved at minute 5 drains nodes and creates none with a bin-packing scheduler", initialNodes: 4,
			seeds: []uint64{0}, packing: true, load: halved, minDeletes: 1, maxDeletes: 3,
		},
		{
			name: "growing load creates nodes and drains none", initialNodes: 3, seeds: []uint64{0}, load: growing,
			minCreates: 1, maxCreates: 3,
		},
		{
			name: "growing load creates nodes and drains none with a bin-packing scheduler", initialNodes: 3,
			seeds: []uint64{0}, packing: true, load: growing, minCreates: 1, maxCreates: 3,
		},
		{
			// A packing scheduler always leaves a nearly empty last node; once the load dips
			// enough for its pods to fit on the others for a whole window, the group is
			// consolidated to ~95 % and the next step up needs a new node (35 of 100 seeds).
			name: "load moving around the threshold with a bin-packing scheduler", initialNodes: 4, load: atThreshold,
			seeds: []uint64{1, 2, 3, 4, 5}, packing: true, maxCreates: 2, maxDeletes: 4, crossesThreshold: true,
			known: "scale-down keeps no headroom: the nodes left after a drain may be full, so with a bin-packing " +
				"scheduler load moving around the threshold can cause a delete followed by a create",
		},
	}
	for _, tc := range tests {
		for _, seed := range tc.seeds {
			t.Run(fmt.Sprintf("%s/seed=%d", tc.name, seed), func(t *testing.T) { tc.run(t, seed) })
		}
	}
}

func (tc flapCase) run(t *testing.T, seed uint64) {
	score := leastAllocated
	if tc.packing {
		score = firstFit
	}
	c, sd := simulate(tc.initialNodes, tc.load(seed), score)
	creates, deletes := count(c.calls)
	p := scaledown.PolicyOf(&c.group)
	window := max(p.Window, p.Cooldown)
	createdThenDeleted, deletedThenCreated := cycles(c.calls, window)
	t.Logf("%d creates, %d deletes, %d nodes created then deleted, %d creates within %s of a delete; "+
		"%d nodes at the end; %d node samples under both thresholds", creates, deletes, len(createdThenDeleted),
		len(deletedThenCreated), window, len(c.members), sd.under)
	t.Logf("call log: %s", callLog(c.calls))
	if len(createdThenDeleted)+len(deletedThenCreated) > 0 {
		if tc.known != "" {
			t.Skipf("known: %s (created then deleted %v; creates after a delete %v)", tc.known, createdThenDeleted, deletedThenCreated)
		}
		t.Errorf("flapping: nodes created then deleted %v; creates after a delete %v", createdThenDeleted, deletedThenCreated)
	}
	if creates < tc.minCreates || creates > tc.maxCreates {
		t.Errorf("%d creates, want %d to %d", creates, tc.minCreates, tc.maxCreates)
	}
	if deletes < tc.minDeletes || deletes > tc.maxDeletes {
		t.Errorf("%d deletes, want %d to %d", deletes, tc.minDeletes, tc.maxDeletes)
	}
	if tc.crossesThreshold && sd.under == 0 {
		t.Error("no node was ever under the thresholds: the load does not reach them")
	}
	if n := c.pending(); n > 0 {
		t.Errorf("%d pods still pending at the end", n)
	}
}

// simulate runs load for runFor at the scale-down interval: the ReplicaSets, the kubelets and
// workflows, the scheduler, then a scale-up and a scale-down pass.
func simulate(initialNodes int, load workload, score func(*corev1.Node, []*corev1.Pod) float64) (*cluster, *scaleDown) {
	c := newCluster(initialNodes, score)
	sd := newScaleDown()
	for ; c.now.Before(start.Add(runFor)); c.now = c.now.Add(config.Default().ScaleDown.Interval) {
		c.reconcile(load.deployments, load.at(c.now.Sub(start)))
		c.advance()
		c.schedule()
		c.scaleUp()
		sd.pass(c)
	}
	return c, sd
}

func count(calls []call) (creates, deletes int) {
	for _, cl := range calls {
		if cl.create {
			creates++
		} else {
			deletes++
		}
	}
	return creates, deletes
}

// cycles finds the two shapes of flapping in the call log: a node created during the run and
// deleted during it, and a create less than window after a delete.
func cycles(calls []call, window time.Duration) (createdThenDeleted, deletedThenCreated []string) {
	created := map[string]bool{}
	var lastDelete *call
	for i := range calls {
		cl := &calls[i]
		switch {
		case cl.create:
			created[cl.node] = true
			if lastDelete != nil && cl.at.Sub(lastDelete.at) < window {
				deletedThenCreated = append(deletedThenCreated, fmt.Sprintf("%s deleted %s, %s created %s", lastDelete.node,
					offset(lastDelete.at), cl.node, offset(cl.at)))
			}
		default:
			if created[cl.node] {
				createdThenDeleted = append(createdThenDeleted, cl.node)
			}
			lastDelete = cl
		}
	}
	return createdThenDeleted, deletedThenCreated
}

func callLog(calls []call) string {
	if len(calls) == 0 {
		return "empty"
	}
	var b strings.Builder
	for _, cl := range calls {
		verb := "drain+delete"
		if cl.create {
			verb = "create"
		}
		fmt.Fprintf(&b, "%s %s %s; ", offset(cl.at), verb, cl.node)
	}
	return strings.TrimSuffix(b.String(), "; ")
}

func offset(at time.Time) string { return "+" + at.Sub(start).String() }

func (c *cluster) pending() int {
	n := 0
	for _, p := range c.pods {
		if p.Spec.NodeName == "" {
			n++
		}
	}
	return n
}
