package scaleup

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// bootingNode is the Node a VPSieNode registers first, as a real kubelet does: NotReady,
// with the not-ready taint, and already running the pods given.
func bootingNode(name string, pods ...corev1.Pod) ExistingNode {
	en := node(name, "2", "4Gi", nil, pods...)
	en.Node.Spec.Taints = []corev1.Taint{{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoSchedule}}
	en.Node.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionFalse}}
	return en
}

func cniPod() corev1.Pod {
	p := pod("cni-x", "100m", "50Mi")
	p.Namespace = "kube-system"
	p.OwnerReferences = []metav1.OwnerReference{{Kind: "DaemonSet", Name: "cni", Controller: ptr.To(true)}}
	return p
}

// A node registered but not Ready yet, already running its DaemonSet pods (as every real node
// does within seconds), still counts as the capacity on its way: the pods it was bought for
// wait for it. Taken as it was (NotReady, tainted), the same pods bought a second node.
func TestABootingNodeStillCountsAsTheCapacityOnItsWay(t *testing.T) {
	ds := daemonSet("cni", "100m", corev1.Toleration{Operator: corev1.TolerationOpExists})
	for _, tt := range []struct {
		name    string
		bound   []corev1.Pod
		pending int
		intents int
	}{
		{"registered with only its DaemonSet pod: the pending pod waits for it", []corev1.Pod{cniPod()}, 1, 0},
		{"a pod already bound there takes its room: the next one needs a node", []corev1.Pod{cniPod(), pod("early", "1500m", "1Gi")}, 1, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "small")},
				Offerings: []Offering{offer("small", 2, 4, 10)}, DaemonSets: []*appsv1.DaemonSet{ds},
				VPSieNodes: []*v1alpha1.VPSieNode{vpsieNode("n1", "g", "small", v1alpha1.PhaseJoining)},
				Nodes:      []ExistingNode{bootingNode("n1", tt.bound...)},
				Pending:    ptrs(replicas("web", tt.pending, "1500m", "1Gi"))}
			r := Plan(s, DefaultOptions())
			if len(r.Intents) != tt.intents {
				t.Fatalf("intents %+v, want %d", placements(r), tt.intents)
			}
			if tt.intents == 0 && (len(r.Existing) != 1 || r.Existing[0].Node != "n1" || !r.Existing[0].InFlight) {
				t.Fatalf("existing %+v, want the pod placed on booting n1, in flight", r.Existing)
			}
		})
	}
}
