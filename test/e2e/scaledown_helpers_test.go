//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// sdGroup is a std-2c-4g group whose nodes count as underutilized after 10 s below 50 %.
func sdGroup(ns, name string) *v1alpha1.NodeGroup {
	g := group(ns, name, "std-2c-4g")
	g.Spec.ScaleDownPolicy.StabilizationWindowSeconds = 10
	return g
}

func ptrInt(v int) *intstr.IntOrString { x := intstr.FromInt32(int32(v)); return &x }

// groupNodes names the Nodes of the group's VPSieNodes that exist and are not leaving, sorted.
func groupNodes(t *testing.T, ns, group string) []string {
	t.Helper()
	var out []string
	for _, vn := range vpsieNodes(t, ns) {
		if vn.Spec.NodeGroup != group || vn.DeletionTimestamp != nil || vn.Status.NodeName == "" {
			continue
		}
		var n corev1.Node
		if err := env.kube.Get(context.Background(), client.ObjectKey{Name: vn.Status.NodeName}, &n); err == nil {
			out = append(out, n.Name)
		}
	}
	sort.Strings(out)
	return out
}

// keepOnePodOnEachOfTwoNodes gives one pod of the app on each of two nodes a high
// deletion cost, so scaling the app down to two keeps those.
func keepOnePodOnEachOfTwoNodes(t *testing.T, ns, app string) {
	t.Helper()
	var pods corev1.PodList
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns), client.MatchingLabels{"app": app}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range pods.Items {
		if len(seen) < 2 && !seen[p.Spec.NodeName] {
			seen[p.Spec.NodeName] = true
			kubectl(t, "-n", ns, "annotate", "pod", p.Name, "controller.kubernetes.io/pod-deletion-cost=1000")
		}
	}
	if len(seen) != 2 {
		t.Fatalf("%s pods run on %d nodes, want at least 2", app, len(seen))
	}
}

// allReady checks that each group has its count of Ready members.
func allReady(ns string, groups map[string]int) error {
	for g, n := range groups {
		if err := readyMembers(ns, g, n); err != nil {
			return err
		}
	}
	return nil
}

// podsOn checks that n pods of the app run, all on node.
func podsOn(ns, app string, n int, node string) error {
	var pods corev1.PodList
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns), client.MatchingLabels{"app": app}); err != nil {
		return err
	}
	count := 0
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil {
			continue
		}
		if p.Status.Phase != corev1.PodRunning || p.Spec.NodeName != node {
			return fmt.Errorf("pod %s is %s on %q, want running on %s", p.Name, p.Status.Phase, p.Spec.NodeName, node)
		}
		count++
	}
	if count != n {
		return fmt.Errorf("%d %s pods, want %d", count, app, n)
	}
	return nil
}

func podOf(t *testing.T, ns, app string) string {
	t.Helper()
	var pods corev1.PodList
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns), client.MatchingLabels{"app": app}); err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 1 {
		t.Fatalf("%d %s pods, want 1", len(pods.Items), app)
	}
	return pods.Items[0].Name
}

func nodeAnnotation(t *testing.T, node, key string) string {
	t.Helper()
	var n corev1.Node
	if err := env.kube.Get(context.Background(), client.ObjectKey{Name: node}, &n); err != nil {
		t.Fatal(err)
	}
	return n.Annotations[key]
}

// annotated checks that the node's scale-down-blocked annotation starts with want.
func annotated(node, want string) error {
	var n corev1.Node
	if err := env.kube.Get(context.Background(), client.ObjectKey{Name: node}, &n); err != nil {
		return err
	}
	if got := n.Annotations[v1alpha1.AnnotationScaleDownBlocked]; !strings.HasPrefix(got, want) {
		return fmt.Errorf("node %s annotated %q, want %q...", node, got, want)
	}
	return nil
}

// blockedInStatus checks that the group's status.scaleDown lists node with reason and pod.
func blockedInStatus(ns, group, node, reason, pod string) error {
	var ng v1alpha1.NodeGroup
	if err := env.kube.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: group}, &ng); err != nil {
		return err
	}
	if ng.Status.ScaleDown == nil {
		return fmt.Errorf("%s has no status.scaleDown", group)
	}
	for _, b := range ng.Status.ScaleDown.BlockedNodes {
		if b.Node == node && b.Reason == reason && b.Pod == pod {
			return nil
		}
	}
	return fmt.Errorf("%s status.scaleDown = %+v, want %s blocked by %s (%s)", group, ng.Status.ScaleDown, node, pod, reason)
}

// blockedEvents counts the ScaleDownBlocked events about a node (cluster-scoped objects'
// events are in default), with their repetitions.
func blockedEvents(t *testing.T, node string) int {
	t.Helper()
	var evs corev1.EventList
	if err := env.kube.List(context.Background(), &evs, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs.Items {
		if e.InvolvedObject.Name == node && e.Reason == "ScaleDownBlocked" {
			n += max(int(e.Count), 1)
			if e.Series != nil {
				n += int(e.Series.Count)
			}
		}
	}
	return n
}

// unmanagedNode registers a Node kwok keeps Ready, with the group's workload label but not
// the managed one, and waits until it is Ready.
func unmanagedNode(t *testing.T, name, workload string) string {
	t.Helper()
	res := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi"),
		corev1.ResourcePods: resource.MustParse("110")}
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"workload": workload,
		corev1.LabelHostname: name}, Annotations: map[string]string{vpsiesim.AnnotationKwok: "fake"}},
		Status: corev1.NodeStatus{Capacity: res, Allocatable: res.DeepCopy(), Phase: corev1.NodeRunning,
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
				LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}}}}
	create(t, n)
	t.Cleanup(func() { _ = env.kube.Delete(context.Background(), n) })
	eventually(t, 30*time.Second, name+" Ready", func() error {
		var got corev1.Node
		if err := env.kube.Get(context.Background(), client.ObjectKey{Name: name}, &got); err != nil {
			return err
		}
		for _, c := range got.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				return nil
			}
		}
		return fmt.Errorf("not Ready")
	})
	return name
}

// untouched checks that the autoscaler left a node alone: not cordoned, no annotation of its own.
func untouched(t *testing.T, node string) {
	t.Helper()
	var n corev1.Node
	if err := env.kube.Get(context.Background(), client.ObjectKey{Name: node}, &n); err != nil {
		t.Fatalf("unmanaged node %s: %v", node, err)
	}
	if n.Spec.Unschedulable {
		t.Errorf("unmanaged node %s was cordoned", node)
	}
	for k := range n.Annotations {
		if strings.HasPrefix(k, "autoscaler.vpsie.com/") {
			t.Errorf("unmanaged node %s got annotation %s=%q", node, k, n.Annotations[k])
		}
	}
}

// deletedOnce checks that each host's VPS is gone from the simulator, created once and deleted
// by exactly one successful API call.
func deletedOnce(t *testing.T, hosts []string) {
	t.Helper()
	for _, h := range hosts {
		eventually(t, 30*time.Second, "VPS "+h+" gone from the simulator", func() error {
			if live := env.sim.Snapshot().VMsByHostname(h); len(live) != 0 {
				return fmt.Errorf("VPS %s is %s", h, live[0].Status)
			}
			return nil
		})
	}
	st := env.sim.Snapshot()
	deletes := map[string]int{}
	for _, c := range st.Calls {
		if c.Op == vpsiesim.OpDeleteVM && c.Status < 300 {
			deletes[c.Hostname]++
		}
	}
	for _, h := range hosts {
		if n := st.Creates(h); n != 1 {
			t.Errorf("VPS %s created %d times", h, n)
		}
		if n := deletes[h]; n != 1 {
			t.Errorf("VPS %s deleted by %d successful calls, want 1", h, n)
		}
	}
}

// drainRuns counts the runs of a node's drain workflow.
func drainRuns(t *testing.T, node string) int {
	t.Helper()
	return runsOf(t, contract.DrainWorkflowID(node))
}

// scrape is the text of the process's /metrics endpoint.
func scrape(t testing.TB, p *testproc.Process) string {
	t.Helper()
	resp, err := http.Get("http://" + p.Metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// logMetrics logs the scraped lines of the named metrics.
func logMetrics(t *testing.T, metrics string, names ...string) {
	t.Helper()
	for _, line := range strings.Split(metrics, "\n") {
		for _, n := range names {
			if strings.HasPrefix(line, n+"{") || strings.HasPrefix(line, n+" ") {
				t.Log(line)
			}
		}
	}
}
