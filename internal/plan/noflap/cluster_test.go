package noflap

import (
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

const (
	groupName  = "workers"
	datacenter = "dc1"
	// bootDelay is from the VPSieNode's creation to a Ready Node; drainTime from the start of
	// a drain (cordon and evictions) to the Node and VPSieNode being gone.
	bootDelay = 60 * time.Second
	drainTime = 30 * time.Second
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// offering is the group's only plan: 4 CPU, 8 GiB.
var offering = schedsim.Offering{ID: "s4", CPUMilli: 4000, MemoryBytes: 8 << 30, DiskBytes: 80 << 30, MonthlyPrice: 20}

// member is one VPSieNode of the group and, once it registered, its Node.
type member struct {
	vn      v1alpha1.VPSieNode
	node    *corev1.Node // nil while booting
	readyAt time.Time
	goneAt  time.Time // when a drain started, the end of its 30 s; zero otherwise
}

// call is one entry of the call log: a VPS created or a drain (delete) started.
type call struct {
	at     time.Time
	create bool
	node   string
}

// cluster is the simulated API server, kubelets, ReplicaSets and scheduler.
type cluster struct {
	now     time.Time
	group   v1alpha1.NodeGroup
	members map[string]*member // by hostname, which is also the Node's name
	pods    []*corev1.Pod
	nodeSeq int
	podSeq  int
	calls   []call
	// alloc is what the kubelet reports for a node of the offering, as the planner models it.
	alloc corev1.ResourceList
	// score ranks the nodes a pod fits on; the highest wins, then the first by name.
	score func(node *corev1.Node, pods []*corev1.Pod) float64
}

func newCluster(initialNodes int, score func(*corev1.Node, []*corev1.Pod) float64) *cluster {
	o := scaleUpOptions()
	c := &cluster{now: start, members: map[string]*member{}, score: score,
		group: v1alpha1.NodeGroup{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: groupName},
			Spec: v1alpha1.NodeGroupSpec{MinNodes: 1, MaxNodes: 10, DatacenterID: datacenter, OfferingIDs: []string{offering.ID},
				OSImageID: "ubuntu-24.04", KubernetesVersion: "v1.36.3"},
		},
		alloc: corev1.ResourceList{
			corev1.ResourceCPU:              *resource.NewMilliQuantity(offering.CPUMilli-o.KubeReserved.CPUMilli, resource.DecimalSI),
			corev1.ResourceMemory:           *resource.NewQuantity(offering.MemoryBytes-o.KubeReserved.Memory-o.EvictionThreshold.Memory, resource.BinarySI),
			corev1.ResourceEphemeralStorage: *resource.NewQuantity(offering.DiskBytes, resource.BinarySI),
			corev1.ResourcePods:             *resource.NewQuantity(int64(o.MaxPodsPerNode), resource.DecimalSI),
		}}
	for range initialNodes {
		m := c.newMember(offering.ID, datacenter, start.Add(-time.Hour))
		c.register(m, start.Add(-time.Hour))
	}
	return c
}

// newMember is a VPSieNode being created at `at`.
func (c *cluster) newMember(offeringID, dc string, at time.Time) *member {
	name := fmt.Sprintf("%s-%03d", groupName, c.nodeSeq)
	c.nodeSeq++
	m := &member{vn: v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, CreationTimestamp: metav1.NewTime(at),
			Labels: map[string]string{v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: groupName}},
		Spec:   v1alpha1.VPSieNodeSpec{NodeGroup: groupName, OfferingID: offeringID, DatacenterID: dc, Hostname: name},
		Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseProvisioning},
	}, readyAt: at.Add(bootDelay)}
	c.members[name] = m
	return m
}

// register makes m's Node join Ready, labelled as the ScaleUp workflow labels it.
func (c *cluster) register(m *member, at time.Time) {
	name := m.vn.Spec.Hostname
	m.node = &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(at), Labels: map[string]string{
			corev1.LabelHostname: name, corev1.LabelOSStable: "linux", corev1.LabelArchStable: "amd64",
			corev1.LabelInstanceTypeStable: m.vn.Spec.OfferingID, corev1.LabelTopologyRegion: m.vn.Spec.DatacenterID,
			corev1.LabelTopologyZone: m.vn.Spec.DatacenterID, v1alpha1.LabelManaged: "true",
			v1alpha1.LabelNodeGroup: groupName, v1alpha1.LabelVPSieNode: m.vn.Name}},
		Status: corev1.NodeStatus{Allocatable: c.alloc.DeepCopy(), Capacity: c.alloc.DeepCopy(),
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}},
	}
	m.vn.Status.Phase, m.vn.Status.NodeName = v1alpha1.PhaseReady, name
	m.readyAt = at
	c.pods = append(c.pods, agentPod(name, at))
}

// create is a ScaleUp workflow's VPS create call: the node is Ready bootDelay later.
func (c *cluster) create(offeringID, dc string) {
	m := c.newMember(offeringID, dc, c.now)
	c.calls = append(c.calls, call{at: c.now, node: m.vn.Name, create: true})
	c.group.Status.LastScaleUpTime = &metav1.Time{Time: c.now}
}

// drain is a DrainAndDelete workflow: cordon, annotate, evict (the ReplicaSets recreate the
// pods, pending, at the next tick); the Node and its VPSieNode are gone drainTime later.
func (c *cluster) drain(node string) {
	m := c.members[node]
	c.calls = append(c.calls, call{at: c.now, node: node})
	m.node.Spec.Unschedulable = true
	m.node.Annotations = map[string]string{v1alpha1.AnnotationDrainStatus: v1alpha1.DrainStatusDraining}
	m.goneAt = c.now.Add(drainTime)
	c.pods = slices.DeleteFunc(c.pods, func(p *corev1.Pod) bool { return p.Spec.NodeName == node && schedsim.NeedsNewHome(p) })
	c.group.Status.LastScaleDownTime = &metav1.Time{Time: c.now}
}

// advance boots the nodes whose delay passed and removes the drained ones.
func (c *cluster) advance() {
	for name, m := range c.members {
		switch {
		case !m.goneAt.IsZero() && !c.now.Before(m.goneAt):
			delete(c.members, name)
			c.pods = slices.DeleteFunc(c.pods, func(p *corev1.Pod) bool { return p.Spec.NodeName == name })
		case m.node == nil && !c.now.Before(m.readyAt):
			c.register(m, c.now)
		}
	}
}

// reconcile is the ReplicaSet controllers: missing replicas are created pending, surplus
// ones deleted as a ReplicaSet picks them (unscheduled first, then those sharing a node with
// the most replicas of their own, then the newest).
func (c *cluster) reconcile(ds []deployment, want []int) {
	for i, d := range ds {
		var mine []*corev1.Pod
		for _, p := range c.pods {
			if p.Labels["app"] == d.name {
				mine = append(mine, p)
			}
		}
		for n := len(mine); n < want[i]; n++ {
			c.pods = append(c.pods, newPod(d, c.podSeq, c.now))
			c.podSeq++
		}
		if surplus := len(mine) - want[i]; surplus > 0 {
			victims := map[*corev1.Pod]bool{}
			for _, p := range replicaSetDeletionOrder(mine)[:surplus] {
				victims[p] = true
			}
			c.pods = slices.DeleteFunc(c.pods, func(p *corev1.Pod) bool { return victims[p] })
		}
	}
}

func replicaSetDeletionOrder(pods []*corev1.Pod) []*corev1.Pod {
	onNode := map[string]int{}
	for _, p := range pods {
		onNode[p.Spec.NodeName]++
	}
	out := slices.Clone(pods)
	slices.SortStableFunc(out, func(a, b *corev1.Pod) int {
		switch {
		case (a.Spec.NodeName == "") != (b.Spec.NodeName == ""):
			if a.Spec.NodeName == "" {
				return -1
			}
			return 1
		case onNode[a.Spec.NodeName] != onNode[b.Spec.NodeName]:
			return onNode[b.Spec.NodeName] - onNode[a.Spec.NodeName]
		case !a.CreationTimestamp.Equal(&b.CreationTimestamp):
			return b.CreationTimestamp.Compare(a.CreationTimestamp.Time)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// schedule is kube-scheduler's filter and a score: every pending pod, oldest first, goes to
// the best-scored Ready, uncordoned node whose labels match its nodeSelector and that has
// room; a pod that fits nowhere is marked Unschedulable, as the scheduler marks it.
func (c *cluster) schedule() {
	nodes := c.readyNodes()
	pending := slices.DeleteFunc(slices.Clone(c.pods), func(p *corev1.Pod) bool { return p.Spec.NodeName != "" })
	slices.SortStableFunc(pending, func(a, b *corev1.Pod) int {
		if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return a.CreationTimestamp.Compare(b.CreationTimestamp.Time)
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, p := range pending {
		var best *corev1.Node
		var bestScore float64
		for _, n := range nodes {
			if !c.fits(n, p) {
				continue
			}
			if s := c.score(n, c.podsOn(n.Name)); best == nil || s > bestScore {
				best, bestScore = n, s
			}
		}
		if best == nil {
			markUnschedulable(p, c.now)
			continue
		}
		p.Spec.NodeName, p.Status.Phase, p.Status.Conditions = best.Name, corev1.PodRunning,
			[]corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}}
	}
}

func markUnschedulable(p *corev1.Pod, now time.Time) {
	if len(p.Status.Conditions) == 0 {
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
			Reason: corev1.PodReasonUnschedulable, LastTransitionTime: metav1.NewTime(now)}}
	}
}

// readyNodes are the registered Nodes a pod may go to, sorted by name.
func (c *cluster) readyNodes() []*corev1.Node {
	var out []*corev1.Node
	for _, m := range c.members {
		if m.node != nil && !m.node.Spec.Unschedulable {
			out = append(out, m.node)
		}
	}
	slices.SortFunc(out, func(a, b *corev1.Node) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (c *cluster) fits(n *corev1.Node, p *corev1.Pod) bool {
	for k, v := range p.Spec.NodeSelector {
		if n.Labels[k] != v {
			return false
		}
	}
	cpu, mem := schedsim.PodRequests(&p.Spec)
	on := c.podsOn(n.Name)
	for _, q := range on {
		qc, qm := schedsim.PodRequests(&q.Spec)
		cpu, mem = cpu+qc, mem+qm
	}
	a := n.Status.Allocatable
	return cpu <= a.Cpu().MilliValue() && mem <= a.Memory().Value() && int64(len(on)+1) <= a.Pods().Value()
}

func (c *cluster) podsOn(node string) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range c.pods {
		if p.Spec.NodeName == node {
			out = append(out, p)
		}
	}
	return out
}

// leastAllocated is kube-scheduler's default NodeResourcesFit score: the mean free share of
// CPU and memory, so pods spread over the nodes.
func leastAllocated(n *corev1.Node, pods []*corev1.Pod) float64 {
	var cpu, mem int64
	for _, p := range pods {
		c, m := schedsim.PodRequests(&p.Spec)
		cpu, mem = cpu+c, mem+m
	}
	a := n.Status.Allocatable
	return (1-float64(cpu)/float64(a.Cpu().MilliValue()))/2 + (1-float64(mem)/float64(a.Memory().Value()))/2
}

// firstFit scores every node alike: the first node by name with room wins, packing pods.
func firstFit(*corev1.Node, []*corev1.Pod) float64 { return 0 }
