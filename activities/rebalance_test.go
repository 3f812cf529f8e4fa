package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestAnnotateRebalanceMarksAndRestores(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n-1", Annotations: map[string]string{"keep": "me"}}}
	c, env := drainCluster(t, 0, node)
	var n corev1.Node
	get := func() map[string]string {
		if err := c.Get(context.Background(), client.ObjectKey{Name: "n-1"}, &n); err != nil {
			t.Fatal(err)
		}
		return n.Annotations
	}
	candidate := corev1.Taint{Key: v1alpha1.TaintRebalanceCandidate, Effect: corev1.TaintEffectPreferNoSchedule}
	for range 2 { // marking twice taints once
		if _, err := env.ExecuteActivity(contract.AnnotateRebalanceActivity,
			contract.AnnotateRebalanceInput{NodeName: "n-1", PlanID: "p1", Status: contract.RebalanceStatusReplacing}); err != nil {
			t.Fatal(err)
		}
	}
	if a := get(); a[v1alpha1.AnnotationRebalanceStatus] != "replacing" || a[v1alpha1.AnnotationRebalancePlan] != "p1" {
		t.Fatalf("annotations %v", a)
	}
	if len(n.Spec.Taints) != 1 || !n.Spec.Taints[0].MatchTaint(&candidate) {
		t.Fatalf("taints %v, want the rebalance candidate's PreferNoSchedule taint once", n.Spec.Taints)
	}
	if _, err := env.ExecuteActivity(contract.AnnotateRebalanceActivity, contract.AnnotateRebalanceInput{NodeName: "n-1"}); err != nil {
		t.Fatal(err)
	}
	if a := get(); len(a) != 1 || a["keep"] != "me" || len(n.Spec.Taints) != 0 {
		t.Fatalf("annotations after the restore %v, taints %v, want only the node's own", a, n.Spec.Taints)
	}
	if _, err := env.ExecuteActivity(contract.AnnotateRebalanceActivity, contract.AnnotateRebalanceInput{NodeName: "gone"}); err != nil {
		t.Fatalf("a node that is gone needs nothing: %v", err)
	}
}

func TestVerifyPodsRunning(t *testing.T) {
	since := time.Now().Add(-time.Minute).Truncate(time.Second).Add(700 * time.Millisecond)
	fresh := func(p *corev1.Pod) { p.CreationTimestamp = metav1.NewTime(since.Add(time.Second)) }
	ready := func(p *corev1.Pod) {
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	}
	pending := func(p *corev1.Pod) { p.Spec.NodeName, p.Status.Phase = "", corev1.PodPending }
	otherOwner := func(p *corev1.Pod) { p.OwnerReferences[0].UID = "someone-else" }
	moved := []contract.MovedPod{{Namespace: "shop", Name: "web-1", UID: "uid-web-1", OwnerUID: "o"}}
	tests := []struct {
		name     string
		objs     []client.Object
		moved    []contract.MovedPod
		wantOK   bool
		blocking string
	}{
		{name: "the new copies run and are ready; the old node keeps only its DaemonSet pod",
			objs: []client.Object{pod("web-1b", "new-1", ownedBy("ReplicaSet"), fresh, ready),
				pod("logs", "old-1", ownedBy("DaemonSet")), pod("older", "n-9", ownedBy("ReplicaSet"))},
			moved: moved, wantOK: true},
		{name: "a new copy that is not scheduled",
			objs:  []client.Object{pod("web-1b", "", ownedBy("ReplicaSet"), fresh, pending)},
			moved: moved, blocking: "pod shop/web-1b is not scheduled"},
		{name: "a pod left on the old node",
			objs:  []client.Object{pod("web-1", "old-1", ownedBy("ReplicaSet"))},
			moved: moved, blocking: "pod shop/web-1 is still on old node old-1"},
		{name: "a moved pod whose controller made no new copy yet",
			objs:  []client.Object{pod("older", "n-9", ownedBy("ReplicaSet"), ready)},
			moved: moved, blocking: "no new copy yet of pod shop/web-1"},
		{name: "a pod of another controller, created elsewhere meanwhile and pending, is not the run's",
			objs: []client.Object{pod("web-1b", "new-1", ownedBy("ReplicaSet"), fresh, ready),
				pod("batch-7", "", ownedBy("ReplicaSet"), otherOwner, fresh, pending)},
			moved: moved, wantOK: true},
		{name: "a copy created in the second the evictions began counts (creationTimestamp has whole seconds)",
			objs: []client.Object{pod("web-1b", "new-1", ownedBy("ReplicaSet"), ready, func(p *corev1.Pod) {
				p.CreationTimestamp = metav1.NewTime(since.Truncate(time.Second))
			})},
			moved: moved, wantOK: true},
		{name: "nothing moved: nothing to wait for elsewhere",
			objs:   []client.Object{pod("batch-7", "", ownedBy("ReplicaSet"), fresh, pending)},
			wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, env := drainCluster(t, 0, tt.objs...)
			val, err := env.ExecuteActivity(contract.VerifyPodsRunningActivity,
				contract.VerifyPodsRunningInput{Nodes: []string{"old-1"}, Since: since, Timeout: time.Millisecond, Moved: tt.moved})
			if err != nil {
				t.Fatal(err)
			}
			var res contract.VerifyPodsRunningResult
			if err := val.Get(&res); err != nil {
				t.Fatal(err)
			}
			if res.OK != tt.wantOK || !strings.Contains(res.Blocking, tt.blocking) {
				t.Fatalf("result %+v, want ok %v blocking %q", res, tt.wantOK, tt.blocking)
			}
		})
	}
}
