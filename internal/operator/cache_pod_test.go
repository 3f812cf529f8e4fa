package operator

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/randfill"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// filledPod is a pod with every field set at random (the same seed, the same pod).
func filledPod(seed int64) *corev1.Pod {
	f := randfill.NewWithSeed(seed).NilChance(0.2).NumElements(1, 3).Funcs(
		func(q *resource.Quantity, c randfill.Continue) {
			*q = *resource.NewMilliQuantity(int64(c.Uint64()%1_000_000), resource.DecimalSI)
		},
		func(t *metav1.Time, c randfill.Continue) { *t = metav1.Unix(int64(c.Uint64()%2_000_000_000), 0) },
	)
	p := &corev1.Pod{}
	f.Fill(p)
	if len(p.Status.Conditions) > 0 {
		p.Status.Conditions[0].Type = corev1.PodScheduled
	}
	return p
}

// withoutDropped is p as the transform is documented to leave it, written out field by
// field: anything not named here must survive.
func withoutDropped(p *corev1.Pod) *corev1.Pod {
	p = p.DeepCopy()
	p.ManagedFields = nil
	delete(p.Annotations, lastApplied)
	for _, cs := range [][]corev1.Container{p.Spec.InitContainers, p.Spec.Containers} {
		for i := range cs {
			c := &cs[i]
			c.Env, c.EnvFrom, c.Command, c.Args, c.VolumeMounts, c.VolumeDevices = nil, nil, nil, nil, nil, nil
			c.LivenessProbe, c.ReadinessProbe, c.StartupProbe, c.Lifecycle, c.SecurityContext = nil, nil, nil, nil, nil
			c.TerminationMessagePath, c.TerminationMessagePolicy, c.ImagePullPolicy = "", "", ""
		}
	}
	var volumes []corev1.Volume
	for _, v := range p.Spec.Volumes {
		if v.Projected == nil {
			volumes = append(volumes, v)
		}
	}
	p.Spec.Volumes = volumes
	st := &p.Status
	st.ContainerStatuses, st.InitContainerStatuses, st.EphemeralContainerStatuses = nil, nil, nil
	st.PodIP, st.PodIPs, st.HostIP, st.HostIPs, st.StartTime = "", nil, "", nil, nil
	// filledPod makes the first condition, and only it, PodScheduled.
	st.Conditions = slices.DeleteFunc(st.Conditions, func(c corev1.PodCondition) bool { return c.Type != corev1.PodScheduled })
	return p
}

func transformed(t *testing.T, s *sharer, p *corev1.Pod) *corev1.Pod {
	t.Helper()
	out, err := stripPod(s, p.DeepCopy())
	if err != nil {
		t.Fatal(err)
	}
	return out.(*corev1.Pod)
}

func TestPodTransformKeepsEverythingButWhatItDocumentsDropping(t *testing.T) {
	s := newSharer()
	for seed := range int64(200) {
		p := filledPod(seed)
		if got, want := transformed(t, s, p), withoutDropped(p); !equality.Semantic.DeepEqual(got, want) {
			t.Fatalf("seed %d: the transform changed more than it documents:\n got %+v\nwant %+v", seed, got, want)
		}
	}
}

func TestPodTransformKeepsWhatTheSimulationReads(t *testing.T) {
	s := newSharer()
	for seed := range int64(200) {
		p := filledPod(seed)
		got, want := schedsim.NewPodInfo(transformed(t, s, p), nil), schedsim.NewPodInfo(p, nil)
		got.Pod, want.Pod = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: the simulation reads the transformed pod differently:\n got %+v\nwant %+v", seed, got, want)
		}
	}
}

func replica(name, cpu string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: name, Labels: map[string]string{"app": "web"},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", UID: "u1"}}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "app", Image: "web:1", Env: []corev1.EnvVar{{Name: "POD", Value: name}},
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}},
			Tolerations: []corev1.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists}}}}
}

func TestReplicasShareTheirCommonParts(t *testing.T) {
	s := newSharer()
	a, b, other := transformed(t, s, replica("a", "1")), transformed(t, s, replica("b", "1000m")), transformed(t, s, replica("c", "2"))
	if &a.Spec.Containers[0] != &b.Spec.Containers[0] || &a.Spec.Tolerations[0] != &b.Spec.Tolerations[0] ||
		&a.OwnerReferences[0] != &b.OwnerReferences[0] {
		t.Error("two replicas whose containers differ only in env (dropped) hold two copies of their common parts")
	}
	if &a.Spec.Containers[0] == &other.Spec.Containers[0] {
		t.Error("a pod with other requests shares the replicas' containers")
	}
	if &a.Spec.Tolerations[0] != &other.Spec.Tolerations[0] {
		t.Error("equal tolerations are not shared")
	}
	if a.Name != "a" || b.Name != "b" || b.Spec.Containers[0].Resources.Requests.Cpu().MilliValue() != 1000 {
		t.Errorf("sharing changed what a pod is: %+v %+v", a, b)
	}
	c := a.DeepCopy()
	c.Spec.Containers[0].Image = "changed"
	if b.Spec.Containers[0].Image != "web:1" {
		t.Error("a deep copy of a cached pod still shares its containers")
	}
}

func TestTheShareTableStartsOverAtItsLimit(t *testing.T) {
	s := newSharer()
	first := share(s, "labels", map[string]string{"n": "first"})
	for i := range shareLimit {
		share(s, "labels", map[string]string{"n": fmt.Sprint(i)})
	}
	if len(s.seen) > shareLimit {
		t.Fatalf("the table holds %d values, limit %d", len(s.seen), shareLimit)
	}
	again := share(s, "labels", map[string]string{"n": "first"})
	again["probe"] = "x"
	if first["probe"] == "x" {
		t.Error("a value dropped when the table started over is still handed out")
	}
}

func TestNodesOfOneSizeShareTheirCapacity(t *testing.T) {
	s := newSharer()
	node := func(name, cpu string) *corev1.Node {
		res := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
		out, err := stripNode(s, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name},
			Status: corev1.NodeStatus{Capacity: res, Allocatable: res.DeepCopy()}})
		if err != nil {
			t.Fatal(err)
		}
		return out.(*corev1.Node)
	}
	a, b, big := node("a", "4"), node("b", "4"), node("c", "8")
	if reflect.ValueOf(a.Status.Allocatable).UnsafePointer() != reflect.ValueOf(b.Status.Allocatable).UnsafePointer() {
		t.Error("two nodes of one size hold two copies of their allocatable list")
	}
	if big.Status.Allocatable.Cpu().Value() != 8 || a.Status.Capacity.Cpu().Value() != 4 {
		t.Errorf("sharing changed a node's resources: %v %v", big.Status.Allocatable, a.Status.Capacity)
	}
}
