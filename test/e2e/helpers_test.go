//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// bare is a pod without a controller asking cpu, selecting nodes by selector.
func bare(ns, name, cpu string, selector map[string]string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: corev1.PodSpec{
		NodeSelector: selector, Containers: []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}}}}
}

// taintNewNodes plays a misbehaving controller: every Node whose name contains infix gets
// taint as soon as it appears, before the autoscaler labels it for its pods.
func taintNewNodes(ctx context.Context, infix string, taint corev1.Taint) {
	for ctx.Err() == nil {
		var nodes corev1.NodeList
		if err := env.kube.List(ctx, &nodes); err == nil {
			for i := range nodes.Items {
				n := &nodes.Items[i]
				if !strings.Contains(n.Name, infix) || hasTaint(n, taint.Key) {
					continue
				}
				patch := client.MergeFrom(n.DeepCopy())
				n.Spec.Taints = append(n.Spec.Taints, taint)
				_ = env.kube.Patch(ctx, n, patch)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func hasTaint(n *corev1.Node, key string) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == key {
			return true
		}
	}
	return false
}

// blockedCondition is the message of the group's ScaleUpBlocked condition while it is true.
func blockedCondition(t *testing.T, ns, name string) string {
	t.Helper()
	var ng v1alpha1.NodeGroup
	if err := env.kube.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &ng); err != nil {
		t.Fatal(err)
	}
	for _, c := range ng.Status.Conditions {
		if c.Type == v1alpha1.ConditionScaleUpBlocked && c.Status == metav1.ConditionTrue {
			return c.Reason + ": " + c.Message
		}
	}
	return ""
}

// podOnDatacenter checks that the pod runs on a node whose VPSieNode is in dc.
func podOnDatacenter(ns, pod, dc string) error {
	var p corev1.Pod
	if err := env.kube.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: pod}, &p); err != nil {
		return err
	}
	if p.Status.Phase != corev1.PodRunning {
		return fmt.Errorf("pod %s is %s", pod, p.Status.Phase)
	}
	var vns v1alpha1.VPSieNodeList
	if err := env.kube.List(context.Background(), &vns, client.InNamespace(ns)); err != nil {
		return err
	}
	for _, vn := range vns.Items {
		if vn.Status.NodeName != p.Spec.NodeName && vn.Spec.Hostname != p.Spec.NodeName {
			continue
		}
		if vn.Spec.DatacenterID != dc {
			return fmt.Errorf("pod %s runs in %s, want %s", pod, vn.Spec.DatacenterID, dc)
		}
		return nil
	}
	return fmt.Errorf("no VPSieNode for node %s", p.Spec.NodeName)
}

func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(env.repo, "bin", "k8s", "kubectl"),
		append([]string{"--kubeconfig", env.kubeconfig}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// sdkLogger drops the Temporal SDK's logs.
type sdkLogger struct{}

func (sdkLogger) Debug(string, ...any) {}
func (sdkLogger) Info(string, ...any)  {}
func (sdkLogger) Warn(string, ...any)  {}
func (sdkLogger) Error(string, ...any) {}

// logEvents logs the namespace's events of one reason, oldest first.
func logEvents(t *testing.T, ns, reason string) {
	t.Helper()
	var evs corev1.EventList
	if err := env.kube.List(context.Background(), &evs, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs.Items {
		if e.Reason == reason {
			t.Logf("%s %s/%s: %s", e.CreationTimestamp.Format(time.TimeOnly), e.InvolvedObject.Kind, e.InvolvedObject.Name, e.Message)
		}
	}
}

// dialTemporal is a client of the stack's Temporal server, closed when the test ends.
func dialTemporal(t testing.TB) sdkclient.Client {
	t.Helper()
	c, err := sdkclient.Dial(sdkclient.Options{HostPort: env.temporal.GetFrontendHostPort(),
		Namespace: env.temporal.GetDefaultNamespace(), Logger: sdkLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// runsOf counts the runs of the workflow id.
func runsOf(t *testing.T, id string) int {
	t.Helper()
	ids, err := listRuns(dialTemporal(t), fmt.Sprintf("WorkflowId = '%s'", id))
	if err != nil {
		t.Fatal(err)
	}
	return len(ids)
}
