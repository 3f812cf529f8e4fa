package scaleup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestEveryGroupSaysWhyItCannotTakeAPod(t *testing.T) {
	big := offer("big", 32, 128, 300)
	dedicated := func(g *v1alpha1.NodeGroup) *v1alpha1.NodeGroup {
		g.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: "db", Effect: corev1.TaintEffectNoSchedule}}
		return g
	}
	tests := []struct {
		name    string
		group   *v1alpha1.NodeGroup
		state   GroupState
		quota   map[string]Quota
		members int // Ready VPSieNodes already in the group
		pod     corev1.Pod
		reason  Reason
		message string
	}{
		{
			name: "a pod larger than every offering names the numbers", group: nodeGroup("g", "big"), pod: pod("p", "40", "1Gi"),
			reason: ReasonInsufficientCPU, message: "needs 40 CPU, largest offering has 32",
		},
		{
			name: "memory is named with what reserves leave", group: nodeGroup("g", "big"), pod: pod("p", "1", "128Gi"),
			reason: ReasonInsufficientMemory, message: "needs 128Gi memory, largest offering has 128Gi (127.9Gi after reserves and daemonsets)",
		},
		{
			name: "an extended resource no offering has", group: nodeGroup("g", "big"),
			pod: func() corev1.Pod {
				p := pod("p", "1", "1Gi")
				p.Spec.Containers[0].Resources.Requests["nvidia.com/gpu"] = *ptr.To(requests("1", "")[corev1.ResourceCPU])
				return p
			}(),
			reason: ReasonInsufficientExtendedResource, message: "needs 1 nvidia.com/gpu, which no offering has",
		},
		{
			name: "a taint the pod does not tolerate is named", group: dedicated(nodeGroup("g", "big")), pod: pod("p", "1", "1Gi"),
			reason: ReasonTaintNotTolerated, message: "taint dedicated=db:NoSchedule not tolerated",
		},
		{
			name: "a selector the group's labels lack", group: nodeGroup("g", "big"),
			pod: func() corev1.Pod {
				p := pod("p", "1", "1Gi")
				p.Spec.NodeSelector = map[string]string{"disk": "ssd"}
				return p
			}(),
			reason: ReasonNodeSelectorMismatch, message: "nodeSelector disk=ssd not matched",
		},
		{
			name: "node affinity to another zone", group: nodeGroup("g", "big"),
			pod: func() corev1.Pod {
				p := pod("p", "1", "1Gi")
				p.Spec.Affinity = required(expr(labelZone, corev1.NodeSelectorOpIn, "fra1"))
				return p
			}(),
			reason: ReasonNodeAffinityMismatch, message: "required node affinity not matched: topology.kubernetes.io/zone In [fra1]",
		},
		{
			name: "a full group", group: func() *v1alpha1.NodeGroup { g := nodeGroup("g", "big"); g.Spec.MaxNodes = 1; return g }(),
			members: 1, pod: pod("p", "31", "1Gi"),
			reason: ReasonMaxNodesReached, message: "at maxNodes 1 (1 existing, 0 planned)",
		},
		{
			name: "an exhausted quota", group: nodeGroup("g", "big"), quota: map[string]Quota{"dc1": {VMs: 5, VCPUs: 8}}, pod: pod("p", "1", "1Gi"),
			reason: ReasonQuotaExhausted, message: "VPSie quota in dc1 has 5 VMs and 8 vCPUs left, big needs 1 and 32",
		},
		{
			name: "scale-up disabled in the spec", pod: pod("p", "1", "1Gi"), reason: ReasonScaleUpDisabled, message: "scale-up is disabled",
			group: func() *v1alpha1.NodeGroup {
				g := nodeGroup("g", "big")
				g.Spec.ScaleUpPolicy.Enabled = ptr.To(false)
				return g
			}(),
		},
		{
			name: "backing off after failures", group: nodeGroup("g", "big"), state: GroupState{BackingOffUntil: now.Add(90e9)}, pod: pod("p", "1", "1Gi"),
			reason: ReasonBackingOff, message: "backing off (failed nodes) until 2026-03-01T12:01:30Z",
		},
		{
			name: "a backoff that has passed stops nothing", group: nodeGroup("g", "big"), state: GroupState{BackingOffUntil: now.Add(-1)}, pod: pod("p", "40", "1Gi"),
			reason: ReasonInsufficientCPU,
		},
		{
			name: "in cooldown", group: nodeGroup("g", "big"), state: GroupState{InCooldown: true}, pod: pod("p", "1", "1Gi"),
			reason: ReasonInCooldown, message: "in scale-up cooldown",
		},
		{
			name: "what the pod asks of the nodes is told before a pause that waiting would end", group: dedicated(nodeGroup("g", "big")),
			state: GroupState{InCooldown: true}, pod: pod("p", "1", "1Gi"), reason: ReasonTaintNotTolerated,
		},
		{
			name: "an offering the catalogue lacks", group: nodeGroup("g", "big", "huge"), pod: pod("p", "1", "1Gi"),
			reason: ReasonUnknownOffering, message: `offering "huge" is not in the catalogue`,
		},
		{
			name: "a datacenter the catalogue lacks", pod: pod("p", "1", "1Gi"),
			group:  func() *v1alpha1.NodeGroup { g := nodeGroup("g", "big"); g.Spec.DatacenterID = "nowhere"; return g }(),
			reason: ReasonUnknownDatacenter, message: `datacenter "nowhere" is not in the catalogue`,
		},
		{
			name: "offerings not sold in the group's datacenter", pod: pod("p", "1", "1Gi"),
			group:  func() *v1alpha1.NodeGroup { g := nodeGroup("g", "big"); g.Spec.DatacenterID = "dc2"; return g }(),
			reason: ReasonNoOfferingAvailable, message: `offering "big" is not sold in dc2`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			soldInDC1 := big
			soldInDC1.Datacenters = []string{"dc1"}
			s := Snapshot{
				Now: now, NodeGroups: []*v1alpha1.NodeGroup{tt.group}, Offerings: []Offering{soldInDC1, offer("other", 1, 1, 1)},
				Datacenters: []string{"dc1", "dc2"}, Quota: tt.quota, Pending: ptrs([]corev1.Pod{tt.pod}),
				Groups: map[types.NamespacedName]GroupState{key("g"): tt.state},
			}
			for i := range tt.members {
				s.VPSieNodes = append(s.VPSieNodes, vpsieNode("m"+itoa(int64(i)), "g", "big", v1alpha1.PhaseReady))
			}
			r := Plan(s, DefaultOptions())
			v, ok := verdict(r, "p", "g")
			if !ok || v.Reason != tt.reason || tt.message != "" && v.Message != tt.message {
				t.Fatalf("verdict = %v %q, want %v %q (intents %+v)", v.Reason, v.Message, tt.reason, tt.message, r.Intents)
			}
			if len(r.Intents) != 0 {
				t.Fatalf("intents = %+v, want none", r.Intents)
			}
		})
	}
}

func TestGroupsThatCannotGrowAreReportedEvenWithoutPods(t *testing.T) {
	s := Snapshot{
		Now:        now,
		NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("typo", "smal"), nodeGroup("ok", "small"), nodeGroup("cool", "small")},
		Offerings:  []Offering{offer("small", 2, 4, 10)},
		Groups:     map[types.NamespacedName]GroupState{key("cool"): {InCooldown: true}},
	}
	r := Plan(s, DefaultOptions())
	want := []Verdict{
		{NodeGroup: key("cool"), Reason: ReasonInCooldown, Message: "in scale-up cooldown"},
		{NodeGroup: key("typo"), Reason: ReasonUnknownOffering, Message: `offering "smal" is not in the catalogue`},
	}
	if len(r.Groups) != len(want) || r.Groups[0] != want[0] || r.Groups[1] != want[1] {
		t.Fatalf("Groups = %+v, want %+v", r.Groups, want)
	}
}
