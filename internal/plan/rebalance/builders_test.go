package rebalance

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

var now = time.Date(2026, 6, 10, 2, 30, 0, 0, time.UTC) // a Wednesday

var yes = true

var groupKey = types.NamespacedName{Namespace: "ns", Name: "g"}

const gib = 1 << 30

// The catalogue: big $40, mid $30, small $20 and tiny $10 are allowed; cheap $5 is not.
var catalogue = []schedsim.Offering{
	{ID: "big", CPUMilli: 4000, MemoryBytes: 8 * gib, DiskBytes: 80 * gib, MonthlyPrice: 40},
	{ID: "mid", CPUMilli: 2000, MemoryBytes: 4 * gib, DiskBytes: 80 * gib, MonthlyPrice: 30},
	{ID: "small", CPUMilli: 2000, MemoryBytes: 4 * gib, DiskBytes: 40 * gib, MonthlyPrice: 20},
	{ID: "tiny", CPUMilli: 1000, MemoryBytes: 1 * gib, DiskBytes: 20 * gib, MonthlyPrice: 10},
	{ID: "cheap", CPUMilli: 8000, MemoryBytes: 16 * gib, DiskBytes: 80 * gib, MonthlyPrice: 5},
	{ID: "legacy", CPUMilli: 4000, MemoryBytes: 8 * gib, DiskBytes: 80 * gib, MonthlyPrice: 50},
}

func nodeGroup() *v1alpha1.NodeGroup {
	return &v1alpha1.NodeGroup{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "g"},
		Spec: v1alpha1.NodeGroupSpec{MinNodes: 1, MaxNodes: 10, DatacenterID: "ams1",
			OfferingIDs: []string{"big", "mid", "small", "tiny", "ghost"}, OSImageID: "img-2", KubernetesVersion: "v1.36.3",
			RebalancePolicy: v1alpha1.RebalancePolicy{Enabled: true, Strategy: v1alpha1.RebalanceRolling, MaxSurge: 1,
				MaxUnavailable: 1}},
	}
}

// testMember is a Ready managed node of group g on offering, with its VPSieNode, running pods.
type testMember struct {
	node schedsim.ExistingNode
	vn   *v1alpha1.VPSieNode
}

func newMember(name, offering string, pods ...corev1.Pod) testMember {
	for i := range pods {
		pods[i].Spec.NodeName = name
	}
	var alloc corev1.ResourceList
	for _, o := range catalogue {
		if o.ID == offering {
			alloc = schedsim.DefaultOptions().Allocatable(o)
		}
	}
	if alloc == nil {
		alloc = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi"),
			corev1.ResourcePods: resource.MustParse("110")}
	}
	n := corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelHostname: name,
			v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: "g", corev1.LabelInstanceTypeStable: offering,
			corev1.LabelTopologyZone: "ams1"}},
		Status: corev1.NodeStatus{Allocatable: alloc, NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.36.3"},
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}},
	}
	vn := &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vn-" + name},
		Spec: v1alpha1.VPSieNodeSpec{NodeGroup: "g", OfferingID: offering, DatacenterID: "ams1", ImageID: "img-2",
			Hostname: name},
		Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseReady, NodeName: name},
	}
	return testMember{node: schedsim.ExistingNode{Node: &n, Pods: ptrs(pods)}, vn: vn}
}

// pod is a ReplicaSet's running pod in namespace default requesting cpu and mem.
func pod(name, cpu, mem string) corev1.Pod {
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{"app": "web"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs-web", Controller: &yes}}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)},
		}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning},
	}
}

func daemonPod(name, cpu string) corev1.Pod {
	p := pod(name, cpu, "64Mi")
	p.Labels = map[string]string{"app": "ds"}
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "ds", Controller: &yes}}
	return p
}

func pdb(name string, allowed int32) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec:       policyv1.PodDisruptionBudgetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
		Status:     policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: allowed},
	}
}

func snapshot(ng *v1alpha1.NodeGroup, ms ...testMember) Snapshot {
	// The default user data installs spec.kubernetesVersion.
	s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{ng}, Offerings: catalogue,
		Groups: map[types.NamespacedName]GroupState{ng.Key(): {BootstrapKubelet: ng.Spec.KubernetesVersion}}}
	for _, m := range ms {
		s.Nodes = append(s.Nodes, m.node)
		s.VPSieNodes = append(s.VPSieNodes, m.vn)
	}
	return s
}

// ptrs points at each of pods, as observe hands informer-cache objects to the planners.
func ptrs(pods []corev1.Pod) []*corev1.Pod {
	out := make([]*corev1.Pod, len(pods))
	for i := range pods {
		out[i] = &pods[i]
	}
	return out
}
