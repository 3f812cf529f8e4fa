package noflap

import (
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/utilization"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

var groupKey = types.NamespacedName{Namespace: "default", Name: groupName}

// scaleUpOptions is what the provisioner plans with under the default configuration
// (internal/controller/scaleup planOptions).
func scaleUpOptions() scaleup.Options {
	cfg := config.Default().ScaleUp
	o := scaleup.DefaultOptions()
	o.KubeReserved = scaleup.Reserve{CPUMilli: int64(cfg.ReservedCPUMillis), Memory: int64(cfg.ReservedMemoryMiB) << 20}
	o.EvictionThreshold = scaleup.Reserve{Memory: int64(cfg.EvictionMemoryMiB) << 20}
	o.MaxPodsPerNode = int32(cfg.MaxPodsPerNode)
	return o
}

// scaleUp is one provisioner pass: its snapshot as observe builds it (booting nodes left out,
// pods marked Unschedulable pending), the plan, and one create per node of every intent. The
// default policy has no cooldown or stabilization window, and no node fails, so nothing holds
// an intent back.
func (c *cluster) scaleUp() {
	s := scaleup.Snapshot{Now: c.now, NodeGroups: []*v1alpha1.NodeGroup{c.groupCopy()}, VPSieNodes: c.vpsieNodes(),
		DaemonSets: []*appsv1.DaemonSet{&agent}, Offerings: []schedsim.Offering{offering}, Datacenters: []string{datacenter},
		Groups: map[types.NamespacedName]scaleup.GroupState{groupKey: {Members: int32(len(c.members)),
			ScaleUpDisabled: !c.group.Spec.ScaleUpPolicy.IsEnabled()}}}
	for _, m := range c.sortedMembers() {
		if m.node != nil {
			s.Nodes = append(s.Nodes, c.existing(m.node))
		}
	}
	for _, p := range c.pods {
		if p.Spec.NodeName == "" && len(p.Status.Conditions) > 0 {
			s.Pending = append(s.Pending, p)
		}
	}
	for _, in := range scaleup.Plan(s, scaleUpOptions()).Intents {
		for range in.Count {
			c.create(in.Offering, in.Datacenter)
		}
	}
}

// scaleDown is the scale-down controller: its store, the drains it follows and when it last
// started one. Its config is the default one.
type scaleDown struct {
	cfg   config.ScaleDownConfig
	grace time.Duration // scaleUp.unusedNodeGrace: younger nodes are not sampled
	store *utilization.Store
	// lastStart is when a drain last started; drains are the nodes still present whose
	// drain this controller started.
	lastStart time.Time
	drains    map[string]bool
	// under counts, over all passes, the sampled nodes whose newest sample was under both
	// thresholds: how often the load crossed them.
	under int
}

func newScaleDown() *scaleDown {
	cfg := config.Default()
	return &scaleDown{cfg: cfg.ScaleDown, grace: cfg.ScaleUp.UnusedNodeGrace, drains: map[string]bool{},
		store: utilization.NewStore(cfg.ScaleDown.SampleCapacity, 3*cfg.ScaleDown.Interval)}
}

// pass is one sample → plan → act round, as internal/controller/scaledown runs it.
func (sd *scaleDown) pass(c *cluster) {
	nodes := sd.sample(c)
	o := scaledown.DefaultOptions()
	o.Simulation.MaxPodsPerNode = int32(config.Default().ScaleUp.MaxPodsPerNode)
	o.MaxParallelDrains, o.EmptyNodeDelay = int32(sd.cfg.MaxParallelDrains), sd.cfg.EmptyNodeDelay
	for _, d := range scaledown.Plan(sd.snapshot(c, nodes), o).Drains {
		sd.drains[d.Node], sd.lastStart = true, c.now
		c.drain(d.Node)
	}
}

// sample adds a reading of every registered node older than the grace to the store, forgets
// the nodes that left, and returns the Nodes with their pods.
func (sd *scaleDown) sample(c *cluster) []schedsim.ExistingNode {
	present := map[string]bool{}
	var nodes []schedsim.ExistingNode
	for _, m := range c.sortedMembers() {
		if m.node == nil {
			continue
		}
		en := c.existing(m.node)
		nodes = append(nodes, en)
		present[m.node.Name] = true
		if c.now.Sub(m.node.CreationTimestamp.Time) >= sd.grace {
			sd.store.Add(m.node.Name, utilization.NodeSample(en.Node, en.Pods, c.now))
		}
	}
	sd.store.Retain(func(n string) bool { return present[n] })
	for n := range sd.drains {
		if !present[n] {
			delete(sd.drains, n)
		}
	}
	return nodes
}

// snapshot is the planner's input: the store's verdicts with the group's policy, the drains
// under way and when the last one started.
func (sd *scaleDown) snapshot(c *cluster, nodes []schedsim.ExistingNode) scaledown.Snapshot {
	p := scaledown.PolicyOf(&c.group)
	th := utilization.Thresholds{CPUPercent: p.CPUPercent, MemoryPercent: p.MemoryPercent, Window: p.Window}
	s := scaledown.Snapshot{Now: c.now, Nodes: nodes, NodeGroups: []*v1alpha1.NodeGroup{c.groupCopy()}, VPSieNodes: c.vpsieNodes(),
		Utilization: map[string]scaledown.Utilization{}, Groups: map[types.NamespacedName]scaledown.GroupState{groupKey: {LastScaleDown: sd.lastStart}}}
	for _, en := range nodes {
		below, why := sd.store.Below(en.Node.Name, th, c.now)
		empty, _ := sd.store.Empty(en.Node.Name, sd.cfg.EmptyNodeDelay, c.now)
		s.Utilization[en.Node.Name] = scaledown.Utilization{Below: below, Empty: empty, Detail: why}
		// A window of zero asks about the newest sample alone.
		if now, _ := sd.store.Below(en.Node.Name, utilization.Thresholds{CPUPercent: th.CPUPercent, MemoryPercent: th.MemoryPercent}, c.now); now {
			sd.under++
		}
	}
	for n := range sd.drains {
		s.Draining = append(s.Draining, n)
	}
	slices.Sort(s.Draining)
	return s
}

func (c *cluster) sortedMembers() []*member {
	out := make([]*member, 0, len(c.members))
	for _, m := range c.members {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b *member) int { return strings.Compare(a.vn.Name, b.vn.Name) })
	return out
}

// vpsieNodes are copies of the members' VPSieNodes, as a snapshot of the moment.
func (c *cluster) vpsieNodes() []*v1alpha1.VPSieNode {
	var out []*v1alpha1.VPSieNode
	for _, m := range c.sortedMembers() {
		vn := m.vn
		out = append(out, &vn)
	}
	return out
}

// groupCopy is a copy of the group, as a snapshot of the moment.
func (c *cluster) groupCopy() *v1alpha1.NodeGroup {
	g := c.group
	return &g
}

// existing is a Node with copies of the pods bound to it, as a cache list hands them out.
func (c *cluster) existing(n *corev1.Node) schedsim.ExistingNode {
	en := schedsim.ExistingNode{Node: n.DeepCopy()}
	for _, p := range c.podsOn(n.Name) {
		en.Pods = append(en.Pods, p.DeepCopy())
	}
	return en
}
