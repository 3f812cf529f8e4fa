package scaleup

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

func TestProbationDecidesWhetherANewReadyNodeCountsAsFailed(t *testing.T) {
	g := types.NamespacedName{Namespace: "ns", Name: "g"}
	other := types.NamespacedName{Namespace: "ns", Name: "other"}
	t0 := time.Unix(1000, 0)
	workload := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web"}}
	daemon := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "cni", OwnerReferences: []metav1.OwnerReference{
		{Kind: "DaemonSet", Name: "cni", Controller: ptr.To(true)}}}}
	mirror := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "etcd-n1", Annotations: map[string]string{
		corev1.MirrorPodAnnotationKey: "hash"}}}
	pendingFor := func(k types.NamespacedName) plan.Result {
		return plan.Result{Intents: []plan.Intent{{NodeGroup: k, Count: 1, Reason: plan.ReasonPendingPods}}}
	}
	cases := []struct {
		name       string
		pods       []*corev1.Pod
		gone       bool
		at         time.Duration
		res        plan.Result
		wantHeld   bool
		wantPassed bool
		wantFailed bool
	}{
		{name: "a node that runs a pod passes at once", pods: []*corev1.Pod{&workload}, at: time.Second, wantPassed: true},
		{name: "an empty node inside its grace holds the group", pods: []*corev1.Pod{&daemon}, at: time.Minute,
			res: pendingFor(g), wantHeld: true},
		{name: "an empty node past its grace fails while pods still wait for its group", pods: []*corev1.Pod{&daemon},
			at: 3 * time.Minute, res: pendingFor(g), wantFailed: true},
		{name: "a static (mirror) pod is no workload: the node fails past its grace", pods: []*corev1.Pod{&daemon, &mirror},
			at: 3 * time.Minute, res: pendingFor(g), wantFailed: true},
		{name: "a node made while no pods wait (minNodes) passes when its grace ends",
			at: 3 * time.Minute, res: plan.Result{}, wantPassed: true},
		{name: "pods waiting for another group do not fail this group's node", at: 3 * time.Minute,
			res: pendingFor(other), wantPassed: true},
		{name: "pods held back by this group's backoff still count as waiting", at: 3 * time.Minute,
			res: plan.Result{Unschedulable: []plan.Unschedulable{{Verdicts: []plan.Verdict{
				{NodeGroup: g, Reason: plan.ReasonBackingOff}}}}}, wantFailed: true},
		{name: "a node that left the cluster is forgotten", gone: true, at: 3 * time.Minute, res: pendingFor(g)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newProbation(2 * time.Minute)
			p.add(g, "n1", t0)
			now := t0.Add(tc.at)
			var nodes []plan.ExistingNode
			if !tc.gone {
				nodes = append(nodes, plan.ExistingNode{Node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}, Pods: tc.pods})
			}
			verdicts := p.release(nodes)
			hold, why := p.holdUntilOf(g, anyNode)
			if held := now.Before(hold); held != tc.wantHeld {
				t.Errorf("held = %v (until %v, %q), want %v", held, hold, why, tc.wantHeld)
			}
			verdicts = append(verdicts, p.expire(now, tc.res)...)
			var passed, failed bool
			for _, v := range verdicts {
				if v.group != g || v.node != "n1" {
					t.Errorf("verdict on %v/%s", v.group, v.node)
				}
				passed, failed = passed || !v.failed, failed || v.failed
			}
			if passed != tc.wantPassed || failed != tc.wantFailed {
				t.Errorf("passed %v failed %v, want %v %v", passed, failed, tc.wantPassed, tc.wantFailed)
			}
			if decided := passed || failed || tc.gone; decided {
				if hold, _ := p.holdUntilOf(g, anyNode); !hold.IsZero() {
					t.Errorf("a decided node still holds the group until %v", hold)
				}
			}
		})
	}
}

func anyNode(string) bool { return true }
