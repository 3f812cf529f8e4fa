package activities_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func annotatedPod(k, v string) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		if p.Annotations == nil {
			p.Annotations = map[string]string{}
		}
		p.Annotations[k] = v
	}
}

func withEmptyDir(p *corev1.Pod) {
	p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "scratch",
		VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
}

func inKubeSystem(p *corev1.Pod) {
	p.Namespace = "kube-system"
	p.Labels = map[string]string{"app": "dns"}
}

// toleratesEverything is a pod with the catch-all toleration (operator Exists, no key).
func toleratesEverything(p *corev1.Pod) {
	p.Spec.Tolerations = []corev1.Toleration{{Operator: corev1.TolerationOpExists}}
}

// The drain re-checks, when it runs, every rule the scale-down planner checks when it plans,
// through the planner's own code, and refuses with a typed error naming the check.
func TestCheckDrainSafetyRefusesWhatThePlannerWouldKeep(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n-1"}}
	protected := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n-1",
		Annotations: map[string]string{v1alpha1.AnnotationProtected: "true"}}}
	dnsBudget := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "dns"},
		Spec: policyv1.PodDisruptionBudgetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "dns"}}}}
	rs := ownedBy("ReplicaSet")
	tests := []struct {
		name      string
		objs      []client.Object
		wantCheck string // empty: the drain may go on
	}{
		{name: "plain ReplicaSet pods, DaemonSet and mirror pods: may drain",
			objs: []client.Object{node, pod("web-1", "n-1", rs), pod("logs", "n-1", ownedBy("DaemonSet")),
				pod("static", "n-1", annotatedPod(corev1.MirrorPodAnnotationKey, "x"))}},
		{name: "our do-not-disrupt", objs: []client.Object{node, pod("db-0", "n-1", rs, annotatedPod(v1alpha1.AnnotationDoNotDisrupt, "true"))},
			wantCheck: "DoNotDisrupt"},
		{name: "Karpenter's do-not-disrupt", objs: []client.Object{node,
			pod("db-0", "n-1", rs, annotatedPod(v1alpha1.AnnotationKarpenterDoNotDisrupt, "true"))}, wantCheck: "DoNotDisrupt"},
		{name: "safe-to-evict=false", objs: []client.Object{node, pod("db-0", "n-1", rs, annotatedPod(v1alpha1.AnnotationSafeToEvict, "false"))},
			wantCheck: "DoNotDisrupt"},
		{name: "a pod without a controller", objs: []client.Object{node, pod("bare", "n-1")}, wantCheck: "NoController"},
		{name: "an emptyDir on disk", objs: []client.Object{node, pod("cache", "n-1", rs, withEmptyDir)}, wantCheck: "LocalStorage"},
		{name: "an emptyDir with safe-to-evict=true may go",
			objs: []client.Object{node, pod("cache", "n-1", rs, withEmptyDir, annotatedPod(v1alpha1.AnnotationSafeToEvict, "true"))}},
		{name: "kube-system without a budget", objs: []client.Object{node, pod("dns", "n-1", rs, inKubeSystem)}, wantCheck: "KubeSystemPod"},
		{name: "kube-system with a budget may go", objs: []client.Object{node, dnsBudget, pod("dns", "n-1", rs, inKubeSystem)}},
		{name: "a protected node", objs: []client.Object{protected, pod("web-1", "n-1", rs)}, wantCheck: "ProtectedNode"},
		{name: "a pod that goes with the node is checked too: deleting the node ends it",
			objs:      []client.Object{node, pod("agent", "n-1", rs, toleratesEverything, annotatedPod(v1alpha1.AnnotationDoNotDisrupt, "true"))},
			wantCheck: "DoNotDisrupt"},
		{name: "another node's pods decide nothing",
			objs: []client.Object{node, pod("bare", "n-2")}},
		{name: "a node that is gone has nothing to check", objs: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, env := drainCluster(t, 0, tt.objs...)
			_, err := env.ExecuteActivity(contract.CheckDrainSafetyActivity, contract.NodeRef{NodeName: "n-1"})
			if tt.wantCheck == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var appErr *temporal.ApplicationError
			if !errors.As(err, &appErr) || appErr.Type() != contract.ErrDrainUnsafe || !appErr.NonRetryable() {
				t.Fatalf("error %v, want a non-retryable %s", err, contract.ErrDrainUnsafe)
			}
			var refusal contract.DrainRefusal
			if err := appErr.Details(&refusal); err != nil {
				t.Fatal(err)
			}
			if refusal.Check != tt.wantCheck || refusal.Message == "" {
				t.Fatalf("refusal %+v, want check %s", refusal, tt.wantCheck)
			}
		})
	}
}

// A refused drain says so on the node: a Warning event names the check and the pod.
func TestCheckDrainSafetyRecordsTheRefusalOnTheNode(t *testing.T) {
	c, env := drainCluster(t, 0, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n-1"}}, pod("bare", "n-1"))
	if _, err := env.ExecuteActivity(contract.CheckDrainSafetyActivity, contract.NodeRef{NodeName: "n-1"}); err == nil {
		t.Fatal("a pod without a controller must refuse the drain")
	}
	ev := onlyEvent(t, c)
	if ev.InvolvedObject.Kind != "Node" || ev.InvolvedObject.Name != "n-1" || ev.Reason != "DrainRefused" ||
		ev.Type != corev1.EventTypeWarning || !strings.Contains(ev.Message, "shop/bare") {
		t.Fatalf("event %+v", ev)
	}
}

// Pods that tolerate the drain's taint would come straight back after an eviction: the drain
// leaves them to go with the node, counts them and says so on the node, and drains the rest.
func TestEvictPodsLeavesPodsThatTolerateTheDrainTaint(t *testing.T) {
	onlyUnschedulable := func(p *corev1.Pod) {
		p.Spec.Tolerations = []corev1.Toleration{{Key: corev1.TaintNodeUnschedulable, Operator: corev1.TolerationOpExists}}
	}
	c, env := drainCluster(t, 0, pod("agent", "n-1", ownedBy("ReplicaSet"), toleratesEverything),
		pod("web-1", "n-1", ownedBy("ReplicaSet"), onlyUnschedulable))
	res := evictPods(t, env, contract.EvictPodsInput{NodeName: "n-1", Deadline: time.Now().Add(time.Minute)})
	if res.Evicted != 1 || res.Remaining != 0 || res.GoWithNode != 1 || len(res.Moved) != 1 || res.Moved[0].Name != "web-1" {
		t.Fatalf("result %+v, want web-1 evicted and agent going with the node", res)
	}
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: "shop", Name: "agent"}, &corev1.Pod{}); err != nil {
		t.Fatalf("the pod that tolerates the drain taint was evicted: %v", err)
	}
	ev := onlyEvent(t, c)
	if ev.Reason != "PodsGoWithNode" || ev.InvolvedObject.Name != "n-1" || !strings.Contains(ev.Message, "shop/agent") {
		t.Fatalf("event %+v", ev)
	}
}

// One drain never evicts the same pod (UID) twice, across attempts too: a pod whose eviction
// an earlier attempt recorded is not evicted again.
func TestEvictPodsNeverEvictsAPodTwice(t *testing.T) {
	var evictions []string
	_, env := drainClusterCounting(t, &evictions, pod("web-1", "n-1", ownedBy("ReplicaSet")), pod("web-2", "n-1", ownedBy("ReplicaSet")))
	env.SetHeartbeatDetails(contract.EvictPodsResult{Evicted: 1, Remaining: 2,
		Moved: []contract.MovedPod{{Namespace: "shop", Name: "web-1", UID: "uid-web-1", OwnerUID: "o"}}})
	res := evictPods(t, env, contract.EvictPodsInput{NodeName: "n-1", Deadline: time.Now().Add(300 * time.Millisecond)})
	if len(evictions) != 1 || evictions[0] != "web-2" {
		t.Fatalf("evictions %v, want only web-2 (web-1 was evicted by the earlier attempt)", evictions)
	}
	if res.Evicted != 2 || len(res.Moved) != 2 {
		t.Fatalf("result %+v", res)
	}
}

func onlyEvent(t *testing.T, c client.Client) corev1.Event {
	t.Helper()
	var evs corev1.EventList
	if err := c.List(context.Background(), &evs); err != nil {
		t.Fatal(err)
	}
	if len(evs.Items) != 1 {
		t.Fatalf("events %+v, want one", evs.Items)
	}
	return evs.Items[0]
}
