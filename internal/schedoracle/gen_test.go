package schedoracle

import (
	"fmt"
	"math/rand"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

// seedLabel keeps the seeds apart: every node of a seed carries it and every pod of the seed
// selects it, so seeds share one scheduler without sharing nodes. Pod (anti-)affinity and
// spread count pods of the pod's own namespace only, and each seed has its own.
const seedLabel = "oracle-seed"

const (
	labelZone     = corev1.LabelTopologyZone
	labelHostname = corev1.LabelHostname
	labelType     = corev1.LabelInstanceTypeStable
	gpu           = corev1.ResourceName("example.com/gpu")
)

var dcs = []string{"dc1", "dc2", "dc3"}

// world is one seed's random workload: the catalogue, the NodeGroups and the pods.
type world struct {
	ns        string
	seed      string
	offerings []scaleup.Offering
	groups    []*v1alpha1.NodeGroup
	pods      []*corev1.Pod
}

type gen struct {
	r *rand.Rand
	w *world
}

func (g gen) chance(p float64) bool       { return g.r.Float64() < p }
func (g gen) pick(items ...string) string { return items[g.r.Intn(len(items))] }
func (g gen) between(lo, hi int) int      { return lo + g.r.Intn(hi-lo+1) }

func newWorld(seed int) *world {
	w := &world{ns: fmt.Sprintf("seed-%02d", seed), seed: fmt.Sprint(seed)}
	g := gen{r: rand.New(rand.NewSource(int64(seed))), w: w}
	g.offerings()
	for i := range g.between(1, 3) {
		g.group(i)
	}
	for len(w.pods) < 30+g.r.Intn(35) {
		g.deployment(len(w.pods))
	}
	return w
}

func (g gen) offerings() {
	for i := range g.between(3, 5) {
		cpu := int64(1) << g.r.Intn(4)
		mem := cpu << g.r.Intn(3)
		o := scaleup.Offering{ID: fmt.Sprintf("o%d", i), CPUMilli: cpu * 1000, MemoryBytes: mem << 30,
			DiskBytes: int64(40<<g.r.Intn(3)) << 30, MonthlyPrice: float64(cpu)*4*(0.8+0.4*g.r.Float64()) + float64(mem)*0.5}
		if g.chance(0.3) {
			o.Datacenters = []string{g.pick(dcs[:2]...)}
		}
		g.w.offerings = append(g.w.offerings, o)
	}
}

func (g gen) group(i int) {
	var ids []string
	for _, o := range g.w.offerings {
		if g.chance(0.6) {
			ids = append(ids, o.ID)
		}
	}
	if len(ids) == 0 {
		ids = []string{g.w.offerings[g.r.Intn(len(g.w.offerings))].ID}
	}
	name := fmt.Sprintf("g%d", i)
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: g.w.ns, Name: name},
		Spec: v1alpha1.NodeGroupSpec{MinNodes: 0, MaxNodes: 40, DatacenterID: "dc1", OfferingIDs: ids,
			OSImageID: "img", KubernetesVersion: "v1.36.3",
			Labels: map[string]string{seedLabel: g.w.seed, "pool": name, "gen": fmt.Sprint(g.between(1, 3))}}}
	if g.chance(0.6) {
		ng.Spec.DatacenterID = ""
		for _, dc := range dcs[:g.between(2, 3)] {
			ng.Spec.Datacenters = append(ng.Spec.Datacenters, v1alpha1.DatacenterPlacement{ID: dc})
		}
	}
	if g.chance(0.5) {
		ng.Spec.Labels["tier"] = g.pick("a", "b")
	}
	switch x := g.r.Float64(); {
	case x < 0.25:
		ng.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: name, Effect: corev1.TaintEffectNoSchedule}}
	case x < 0.35:
		ng.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: name, Effect: corev1.TaintEffectNoExecute}}
	case x < 0.45:
		ng.Spec.Taints = []corev1.Taint{{Key: "spot", Effect: corev1.TaintEffectPreferNoSchedule}}
	}
	g.w.groups = append(g.w.groups, ng)
}

// deployment adds the replicas of one random pod template.
func (g gen) deployment(k int) {
	app := fmt.Sprintf("a%d", k)
	replicas := g.between(1, 10)
	var tmpl corev1.Pod
	if g.chance(0.12) { // many tiny pods
		replicas = g.between(15, 30)
		tmpl = g.base(app, "10m", "16Mi")
	} else {
		tmpl = g.base(app, fmt.Sprintf("%dm", 50+g.r.Intn(2500)), fmt.Sprintf("%dMi", 64+g.r.Intn(6000)))
		g.resources(&tmpl)
		g.placement(&tmpl)
		g.interPod(&tmpl, app)
	}
	rollout := g.chance(0.3) // two revisions side by side, as during a rollout (matchLabelKeys)
	for i := range replicas {
		p := tmpl.DeepCopy()
		p.Name = fmt.Sprintf("%s-%d", app, i)
		if rollout {
			p.Labels["rev"] = g.pick("1", "2")
		}
		g.w.pods = append(g.w.pods, p)
	}
}

func (g gen) base(app, cpu, mem string) corev1.Pod {
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: g.w.ns, Labels: map[string]string{"app": app, "oracle": "pod", "rev": g.pick("1", "2")}},
		Spec: corev1.PodSpec{
			NodeSelector: map[string]string{seedLabel: g.w.seed},
			Containers:   []corev1.Container{{Name: "main", Image: "x", Resources: requests(cpu, mem)}},
		},
	}
}

func requests(cpu, mem string) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{Requests: corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}}
}

// resources adds what changes a pod's effective request: a second container, an init
// container bigger than the rest, a sidecar, overhead, ephemeral storage, an extended
// resource no node has.
func (g gen) resources(p *corev1.Pod) {
	s := &p.Spec
	if g.chance(0.2) {
		s.Containers = append(s.Containers, corev1.Container{Name: "second", Image: "x", Resources: requests(fmt.Sprintf("%dm", 10+g.r.Intn(500)), "64Mi")})
	}
	if g.chance(0.2) {
		s.InitContainers = append(s.InitContainers, corev1.Container{Name: "init", Image: "x",
			Resources: requests(fmt.Sprintf("%dm", 100+g.r.Intn(3500)), fmt.Sprintf("%dMi", 64+g.r.Intn(4000)))})
	}
	if g.chance(0.2) {
		s.InitContainers = append(s.InitContainers, corev1.Container{Name: "sidecar", Image: "x",
			RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways), Resources: requests(fmt.Sprintf("%dm", 20+g.r.Intn(400)), "128Mi")})
	}
	if g.chance(0.15) { // the overhead the RuntimeClass admission sets (and checks) on the server
		s.RuntimeClassName, s.Overhead = ptr.To(overheadClass), overhead()
	}
	if g.chance(0.15) {
		s.Containers[0].Resources.Requests[corev1.ResourceEphemeralStorage] = resource.MustParse(fmt.Sprintf("%dGi", 1+g.r.Intn(30)))
	}
	if g.chance(0.04) {
		one := resource.MustParse("1")
		s.Containers[0].Resources.Requests[gpu] = one
		s.Containers[0].Resources.Limits = corev1.ResourceList{gpu: one}
	}
	if g.chance(0.12) {
		port := int32(8000 + g.r.Intn(3))
		s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: port, HostPort: port, Protocol: corev1.ProtocolTCP}}
	} else if g.chance(0.04) { // a hostNetwork pod's container ports are host ports
		port := int32(8000 + g.r.Intn(3))
		s.HostNetwork = true
		s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: port, Protocol: corev1.ProtocolTCP}}
	}
}

// placement adds node selectors, node affinity with every operator, and tolerations of every
// kind: by key, Exists without a key, a wrong value, a wrong effect.
func (g gen) placement(p *corev1.Pod) {
	s := &p.Spec
	if g.chance(0.2) {
		switch g.r.Intn(4) {
		case 0:
			s.NodeSelector["tier"] = g.pick("a", "b")
		case 1:
			s.NodeSelector[labelZone] = g.pick(dcs...)
		case 2:
			s.NodeSelector[labelType] = g.w.offerings[g.r.Intn(len(g.w.offerings))].ID
		default:
			s.NodeSelector["pool"] = g.w.groups[g.r.Intn(len(g.w.groups))].Name
		}
	}
	if g.chance(0.3) {
		var terms []corev1.NodeSelectorTerm
		for range g.between(1, 2) {
			terms = append(terms, corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{g.requirement()}})
		}
		s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: terms}}}
	}
	if g.chance(0.45) {
		group := g.w.groups[g.r.Intn(len(g.w.groups))].Name
		tolerations := []corev1.Toleration{
			{Key: "dedicated", Operator: corev1.TolerationOpExists},
			{Operator: corev1.TolerationOpExists},
			{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: group, Effect: corev1.TaintEffectNoSchedule},
			{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: group, Effect: corev1.TaintEffectNoExecute},
			{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "nobody"},
			{Key: "dedicated", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectPreferNoSchedule},
		}
		s.Tolerations = append(s.Tolerations, tolerations[g.r.Intn(len(tolerations))])
	}
}

func (g gen) requirement() corev1.NodeSelectorRequirement {
	switch g.r.Intn(6) {
	case 0:
		return corev1.NodeSelectorRequirement{Key: "tier", Operator: corev1.NodeSelectorOpIn, Values: []string{g.pick("a", "b")}}
	case 1:
		return corev1.NodeSelectorRequirement{Key: labelZone, Operator: corev1.NodeSelectorOpNotIn, Values: []string{g.pick(dcs...)}}
	case 2:
		return corev1.NodeSelectorRequirement{Key: "tier", Operator: corev1.NodeSelectorOpExists}
	case 3:
		return corev1.NodeSelectorRequirement{Key: "tier", Operator: corev1.NodeSelectorOpDoesNotExist}
	case 4:
		return corev1.NodeSelectorRequirement{Key: "gen", Operator: corev1.NodeSelectorOpGt, Values: []string{fmt.Sprint(g.r.Intn(3))}}
	}
	return corev1.NodeSelectorRequirement{Key: "gen", Operator: corev1.NodeSelectorOpLt, Values: []string{fmt.Sprint(2 + g.r.Intn(2))}}
}

// interPod adds anti-affinity to the pod's own app, affinity to its own or an earlier app,
// and hard topology spread, on hostname or zone.
func (g gen) interPod(p *corev1.Pod, app string) {
	if g.chance(0.12) {
		aff := affinity(p)
		aff.PodAntiAffinity = &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
			term(app, g.pick(labelHostname, labelZone))}}
	}
	if g.chance(0.1) {
		target := app
		if len(g.w.pods) > 0 && g.chance(0.6) {
			target = g.w.pods[g.r.Intn(len(g.w.pods))].Labels["app"]
		}
		aff := affinity(p)
		aff.PodAffinity = &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
			term(target, g.pick(labelHostname, labelZone))}}
	}
	if g.chance(0.25) {
		c := corev1.TopologySpreadConstraint{MaxSkew: int32(g.between(1, 2)), TopologyKey: g.pick(labelHostname, labelZone, labelZone),
			WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}}
		if g.chance(0.2) {
			c.MinDomains = ptr.To(int32(g.between(2, 3)))
		}
		if g.chance(0.2) {
			c.NodeTaintsPolicy = ptr.To(corev1.NodeInclusionPolicyHonor)
		}
		if g.chance(0.2) {
			c.MatchLabelKeys = []string{"rev"}
		}
		if g.chance(0.15) {
			c.NodeAffinityPolicy = ptr.To(corev1.NodeInclusionPolicyIgnore)
		}
		p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, c)
		if g.chance(0.3) { // zone and hostname together
			other := *c.DeepCopy()
			other.TopologyKey = map[string]string{labelZone: labelHostname, labelHostname: labelZone}[c.TopologyKey]
			p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, other)
		}
	}
}

func affinity(p *corev1.Pod) *corev1.Affinity {
	if p.Spec.Affinity == nil {
		p.Spec.Affinity = &corev1.Affinity{}
	}
	return p.Spec.Affinity
}

func term(app, key string) corev1.PodAffinityTerm {
	return corev1.PodAffinityTerm{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}, TopologyKey: key}
}
