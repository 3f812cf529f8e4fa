package activities_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/vpsie/vpsie-autoscaler/activities"
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// drainCluster is a fake cluster holding objs, with the pod index the drain lists by;
// refusals makes the first evictions fail as a PodDisruptionBudget refuses them.
func drainCluster(t *testing.T, refusals int32, objs ...client.Object) (client.Client, *testsuite.TestActivityEnvironment) {
	t.Helper()
	var refused atomic.Int32
	return drainClusterWith(t, func(ctx context.Context, c client.Client, obj, subObj client.Object) error {
		if refused.Add(1) <= refusals {
			err := apierrors.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0)
			err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{
				Type: policyv1.DisruptionBudgetCause, Message: "The disruption budget web needs 2 healthy pods and has 2 currently"})
			return err
		}
		return c.SubResource("eviction").Create(ctx, obj, subObj)
	}, objs...)
}

// drainClusterCounting is a fake cluster whose Eviction API accepts every eviction, records
// the pod, and leaves it running (as a pod whose deletion has not started yet).
func drainClusterCounting(t *testing.T, evicted *[]string, objs ...client.Object) (client.Client, *testsuite.TestActivityEnvironment) {
	t.Helper()
	return drainClusterWith(t, func(_ context.Context, _ client.Client, obj, _ client.Object) error {
		*evicted = append(*evicted, obj.GetName())
		return nil
	}, objs...)
}

func drainClusterWith(t *testing.T, evict func(ctx context.Context, c client.Client, obj, subObj client.Object) error,
	objs ...client.Object) (client.Client, *testsuite.TestActivityEnvironment) {
	t.Helper()
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).
		WithIndex(&corev1.Pod{}, "spec.nodeName", func(o client.Object) []string {
			return []string{o.(*corev1.Pod).Spec.NodeName}
		}).
		WithInterceptorFuncs(interceptor.Funcs{SubResourceCreate: func(ctx context.Context, c client.Client, sub string,
			obj, subObj client.Object, opts ...client.SubResourceCreateOption) error {
			if sub == "eviction" {
				return evict(ctx, c, obj, subObj)
			}
			return c.SubResource(sub).Create(ctx, obj, subObj, opts...)
		}}).Build()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	activities.Register(env, activities.Set{Kube: &activities.Kube{Client: c}})
	return c, env
}

func pod(name, node string, mutate ...func(*corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name, UID: types.UID("uid-" + name)},
		Spec: corev1.PodSpec{NodeName: node}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	for _, m := range mutate {
		m(p)
	}
	return p
}

func ownedBy(kind string) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: "owner", UID: "o",
			Controller: ptr(true)}}
	}
}

func ptr[T any](v T) *T { return &v }

func evictPods(t *testing.T, env *testsuite.TestActivityEnvironment, in contract.EvictPodsInput) contract.EvictPodsResult {
	t.Helper()
	val, err := env.ExecuteActivity(contract.EvictPodsActivity, in)
	if err != nil {
		t.Fatalf("evicting: %v", err)
	}
	var res contract.EvictPodsResult
	if err := val.Get(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestEvictPodsEvictsOnlyTheNodesEvictablePods(t *testing.T) {
	objs := []client.Object{
		pod("web-1", "n-1", ownedBy("ReplicaSet")),
		pod("bare", "n-1"),
		pod("logs", "n-1", ownedBy("DaemonSet")),
		pod("static", "n-1", func(p *corev1.Pod) { p.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "x"} }),
		pod("job-done", "n-1", func(p *corev1.Pod) { p.Status.Phase = corev1.PodSucceeded }),
		pod("web-2", "n-2", ownedBy("ReplicaSet")),
	}
	c, env := drainCluster(t, 0, objs...)
	res := evictPods(t, env, contract.EvictPodsInput{NodeName: "n-1", Deadline: time.Now().Add(time.Minute)})
	if res.Evicted != 2 || res.Remaining != 0 {
		t.Fatalf("result %+v, want 2 evicted and none remaining", res)
	}
	for _, name := range []string{"logs", "static", "job-done", "web-2"} {
		if err := c.Get(context.Background(), client.ObjectKey{Namespace: "shop", Name: name}, &corev1.Pod{}); err != nil {
			t.Errorf("pod %s must stay: %v", name, err)
		}
	}
}

func TestEvictPodsRetriesARefusingBudgetUntilItAllows(t *testing.T) {
	_, env := drainCluster(t, 3, pod("web-1", "n-1", ownedBy("ReplicaSet")))
	res := evictPods(t, env, contract.EvictPodsInput{NodeName: "n-1", Deadline: time.Now().Add(time.Minute),
		RetryInterval: 10 * time.Millisecond})
	if res.Evicted != 1 || res.Remaining != 0 || res.Blocking != "" {
		t.Fatalf("result %+v, want the pod evicted once the budget allowed", res)
	}
}

func TestEvictPodsReturnsWhatIsLeftAtTheDeadline(t *testing.T) {
	c, env := drainCluster(t, 1<<30, pod("web-1", "n-1", ownedBy("ReplicaSet")))
	res := evictPods(t, env, contract.EvictPodsInput{NodeName: "n-1", Deadline: time.Now().Add(300 * time.Millisecond),
		RetryInterval: 50 * time.Millisecond})
	if res.Evicted != 0 || res.Remaining != 1 || !strings.Contains(res.Blocking, "disruption budget web") {
		t.Fatalf("result %+v, want the pod left and the budget named", res)
	}
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: "shop", Name: "web-1"}, &corev1.Pod{}); err != nil {
		t.Fatalf("a pod the budget protects was removed: %v", err)
	}
}

// An attempt after a worker crash starts from the last heartbeat: the pods the earlier
// attempt evicted are gone, and still counted.
func TestEvictPodsContinuesTheCountOfAnEarlierAttempt(t *testing.T) {
	_, env := drainCluster(t, 0, pod("web-1", "n-1", ownedBy("ReplicaSet")))
	env.SetHeartbeatDetails(contract.EvictPodsResult{Evicted: 2, Remaining: 1})
	res := evictPods(t, env, contract.EvictPodsInput{NodeName: "n-1", Deadline: time.Now().Add(time.Minute)})
	if res.Evicted != 3 || res.Remaining != 0 {
		t.Fatalf("result %+v, want 3 evicted in all", res)
	}
}

func TestCordonUncordonsOnlyWhatTheDrainCordoned(t *testing.T) {
	tests := []struct {
		name         string
		node         *corev1.Node
		wantCordoned bool
	}{
		{name: "schedulable: cordoned and uncordoned again", node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n-1"}},
			wantCordoned: true},
		{name: "cordoned by an operator: left cordoned", node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n-1"},
			Spec: corev1.NodeSpec{Unschedulable: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, env := drainCluster(t, 0, tt.node)
			for attempt := range 2 { // a second attempt (or run) must report the same
				val, err := env.ExecuteActivity(contract.CordonNodeActivity, contract.NodeRef{NodeName: "n-1"})
				if err != nil {
					t.Fatal(err)
				}
				var res contract.CordonNodeResult
				if err := val.Get(&res); err != nil {
					t.Fatal(err)
				}
				if !res.Found || res.Cordoned != tt.wantCordoned {
					t.Fatalf("attempt %d: %+v, want found and cordoned by the drain = %v", attempt, res, tt.wantCordoned)
				}
			}
			var n corev1.Node
			if err := c.Get(context.Background(), client.ObjectKey{Name: "n-1"}, &n); err != nil || !n.Spec.Unschedulable {
				t.Fatalf("node not cordoned: %v", err)
			}
			if !hasDisruptedTaint(n) || len(n.Spec.Taints) != 1 {
				t.Fatalf("taints %v, want the drain's NoSchedule taint once", n.Spec.Taints)
			}
			if _, err := env.ExecuteActivity(contract.UncordonNodeActivity, contract.NodeRef{NodeName: "n-1"}); err != nil {
				t.Fatal(err)
			}
			if err := c.Get(context.Background(), client.ObjectKey{Name: "n-1"}, &n); err != nil {
				t.Fatal(err)
			}
			if n.Spec.Unschedulable == tt.wantCordoned || n.Annotations[v1alpha1.AnnotationCordonedByDrain] != "" {
				t.Fatalf("after uncordon: unschedulable %v, annotations %v", n.Spec.Unschedulable, n.Annotations)
			}
			if hasDisruptedTaint(n) {
				t.Fatalf("after uncordon: the drain's taint is left: %v", n.Spec.Taints)
			}
		})
	}
}

func hasDisruptedTaint(n corev1.Node) bool {
	for _, tn := range n.Spec.Taints {
		if tn.Key == v1alpha1.TaintDisrupted && tn.Effect == corev1.TaintEffectNoSchedule {
			return true
		}
	}
	return false
}

func TestDrainActivitiesOnAGoneNodeAreDone(t *testing.T) {
	_, env := drainCluster(t, 0)
	val, err := env.ExecuteActivity(contract.CordonNodeActivity, contract.NodeRef{NodeName: "n-1"})
	if err != nil {
		t.Fatal(err)
	}
	var res contract.CordonNodeResult
	if err := val.Get(&res); err != nil || res.Found {
		t.Fatalf("cordon of a gone node = %+v, %v; want not found", res, err)
	}
	if _, err := env.ExecuteActivity(contract.UncordonNodeActivity, contract.NodeRef{NodeName: "n-1"}); err != nil {
		t.Fatalf("uncordon: %v", err)
	}
	if _, err := env.ExecuteActivity(contract.AnnotateDrainStatusActivity,
		contract.AnnotateDrainStatusInput{NodeName: "n-1", Status: contract.DrainStatusFailed}); err != nil {
		t.Fatalf("annotate: %v", err)
	}
	gone := contract.WaitVPSieNodeGoneInput{VPSieNode: contract.VPSieNodeRef{Namespace: "ns", Name: "vn-1"}, Timeout: time.Minute}
	if _, err := env.ExecuteActivity(contract.WaitVPSieNodeGoneActivity, gone); err != nil {
		t.Fatalf("wait for a gone vpsienode: %v", err)
	}
}

func TestAnnotateDrainStatus(t *testing.T) {
	c, env := drainCluster(t, 0, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n-1"}})
	for _, in := range []contract.AnnotateDrainStatusInput{
		{NodeName: "n-1", Status: contract.DrainStatusDraining, Reason: "underutilized"},
		{NodeName: "n-1", Status: contract.DrainStatusFailed, Reason: "DrainTimeout: pod shop/web-1: budget web"},
	} {
		if _, err := env.ExecuteActivity(contract.AnnotateDrainStatusActivity, in); err != nil {
			t.Fatal(err)
		}
		var n corev1.Node
		if err := c.Get(context.Background(), client.ObjectKey{Name: "n-1"}, &n); err != nil {
			t.Fatal(err)
		}
		if n.Annotations[v1alpha1.AnnotationDrainStatus] != in.Status || n.Annotations[v1alpha1.AnnotationDrainReason] != in.Reason {
			t.Fatalf("annotations %v, want %s with %q", n.Annotations, in.Status, in.Reason)
		}
	}
	if _, err := env.ExecuteActivity(contract.AnnotateDrainStatusActivity,
		contract.AnnotateDrainStatusInput{NodeName: "n-1", Status: "done"}); err == nil {
		t.Fatal("an unknown status was written")
	}
}
