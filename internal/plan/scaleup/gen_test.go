package scaleup

import (
	"math/rand"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// gen builds random snapshots from a seeded source, so every failure reproduces.
type gen struct {
	r *rand.Rand
	// constrained adds anti-affinity and topology spread, which can force dearer nodes.
	constrained bool
}

var genDCs = []string{"dc1", "dc2"}

func (g gen) pick(items ...string) string { return items[g.r.Intn(len(items))] }
func (g gen) chance(p float64) bool       { return g.r.Float64() < p }

func (g gen) snapshot(pods int) Snapshot {
	s := Snapshot{Now: now, Offerings: g.offerings(3 + g.r.Intn(6)), Datacenters: genDCs}
	for i := range 1 + g.r.Intn(3) {
		s.NodeGroups = append(s.NodeGroups, g.group("g"+itoa(int64(i)), s.Offerings))
	}
	for i := range g.r.Intn(3) {
		s.Nodes = append(s.Nodes, g.node("n"+itoa(int64(i))))
	}
	for i := range g.r.Intn(3) {
		ng := s.NodeGroups[g.r.Intn(len(s.NodeGroups))]
		vn := vpsieNode("vn"+itoa(int64(i)), ng.Name, ng.Spec.OfferingIDs[0], v1alpha1.PhaseProvisioning)
		vn.Spec.DatacenterID = g.pick(genDCs...)
		s.VPSieNodes = append(s.VPSieNodes, vn)
	}
	if g.chance(0.5) {
		ds := pod("agent", "100m", "128Mi")
		s.DaemonSets = []*appsv1.DaemonSet{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "agent"},
			Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{ObjectMeta: ds.ObjectMeta, Spec: ds.Spec}}}}
	}
	for i := range pods {
		p := g.pod("p" + itoa(int64(i)))
		s.Pending = append(s.Pending, &p)
	}
	return s
}

func (g gen) offerings(n int) []Offering {
	out := make([]Offering, n)
	for i := range out {
		cpu := int64(1) << g.r.Intn(5)
		mem := cpu << g.r.Intn(3)
		out[i] = offer("o"+itoa(int64(i)), cpu, mem, float64(cpu)*4*(0.8+0.4*g.r.Float64())+float64(mem)*0.5)
		if g.chance(0.3) {
			out[i].Datacenters = []string{g.pick(genDCs...)}
		}
	}
	return out
}

func (g gen) group(name string, offerings []Offering) *v1alpha1.NodeGroup {
	var ids []string
	for _, o := range offerings {
		if g.chance(0.6) {
			ids = append(ids, o.ID)
		}
	}
	if len(ids) == 0 {
		ids = []string{offerings[0].ID}
	}
	ng := nodeGroup(name, ids...)
	ng.Spec.MaxNodes, ng.Spec.MinNodes = int32(5+g.r.Intn(200)), int32(g.r.Intn(2))
	if g.chance(0.5) {
		ng.Spec.DatacenterID, ng.Spec.Datacenters = "", []v1alpha1.DatacenterPlacement{{ID: "dc1"}, {ID: "dc2"}}
	}
	if g.chance(0.5) {
		ng.Spec.Labels = map[string]string{"tier": g.pick("a", "b")}
	}
	if g.chance(0.2) {
		ng.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: name, Effect: corev1.TaintEffectNoSchedule}}
	}
	return ng
}

func (g gen) node(name string) ExistingNode {
	var pods []corev1.Pod
	for i := range g.r.Intn(4) {
		pods = append(pods, g.pod(name+"-bound"+itoa(int64(i))))
	}
	return node(name, itoa(int64(2+g.r.Intn(6))), itoa(int64(2+g.r.Intn(12)))+"Gi",
		map[string]string{labelZone: g.pick(genDCs...), "tier": g.pick("a", "b")}, pods...)
}

func (g gen) pod(name string) corev1.Pod {
	p := withApp(pod(name, itoa(int64(50+g.r.Intn(3950)))+"m", itoa(int64(64+g.r.Intn(8000)))+"Mi"), g.pick("web", "api", "db", "batch"))
	if g.chance(0.2) {
		p.Spec.NodeSelector = map[string]string{"tier": g.pick("a", "b")}
	}
	if g.chance(0.3) {
		p.Spec.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists}}
	}
	if g.chance(0.1) {
		p.Spec.Containers[0].Resources.Requests[corev1.ResourceEphemeralStorage] = resource.MustParse(itoa(int64(1+g.r.Intn(60))) + "Gi")
	}
	if g.constrained && g.chance(0.15) {
		p = avoiding(p, p.Labels["app"], g.pick(labelHostname, labelZone))
	}
	if g.constrained && g.chance(0.2) {
		p = spreading(p, g.pick(labelHostname, labelZone), int32(1+g.r.Intn(2)))
	}
	return p
}

// shuffled returns s with every slice in a random order.
func (g gen) shuffled(s Snapshot) Snapshot {
	s.Nodes = shuffle(g.r, s.Nodes)
	s.Pending = shuffle(g.r, s.Pending)
	s.NodeGroups = shuffle(g.r, s.NodeGroups)
	s.Offerings = shuffle(g.r, s.Offerings)
	s.VPSieNodes = shuffle(g.r, s.VPSieNodes)
	return s
}

func shuffle[T any](r *rand.Rand, items []T) []T {
	out := append([]T(nil), items...)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
