package schedoracle

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
)

// kube is the control plane (kube-apiserver and etcd), started once in TestMain; the
// scheduler is started next to it by startScheduler.
var kube *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.RunMain(m, &kube))
}

// overheadClass is a RuntimeClass with a pod overhead: pods naming it get the overhead from
// the API server's RuntimeClass admission, as on a real cluster.
const overheadClass = "oracle-overhead"

func overhead() corev1.ResourceList {
	return corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("120Mi")}
}

// cluster is a clientset with a client rate high enough to create thousands of pods in
// seconds, and the kube-scheduler process.
type cluster struct {
	cs *kubernetes.Clientset
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	if kube == nil {
		t.Skip("no control plane")
	}
	cfg := rest.CopyConfig(kube.Config)
	cfg.QPS, cfg.Burst = 1000, 2000
	cfg.ContentType = "application/vnd.kubernetes.protobuf" // listing thousands of pods as JSON is slow
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{cs: cs}
	c.startScheduler(t)
	rc := &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: overheadClass}, Handler: "runc",
		Overhead: &nodev1.Overhead{PodFixed: overhead()}}
	if _, err := cs.NodeV1().RuntimeClasses().Create(context.Background(), rc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return c
}

// startScheduler runs bin/k8s/kube-scheduler with the default plugins and a one-second
// backoff, so a pod another placement makes schedulable is retried at once rather than after
// the default ten seconds.
func (c *cluster) startScheduler(t *testing.T) {
	t.Helper()
	assets, err := testenv.Assets()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := kube.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "scheduler.yaml")
	body := fmt.Sprintf(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection: {kubeconfig: %q, qps: 500, burst: 1000}
leaderElection: {leaderElect: false}
podInitialBackoffSeconds: 1
podMaxBackoffSeconds: 1
`, kubeconfig)
	if err := os.WriteFile(config, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "scheduler.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(assets, "kube-scheduler"), "--config="+config, "--secure-port=0", "--v=1")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			if data, err := os.ReadFile(log.Name()); err == nil && len(data) > 0 {
				t.Logf("kube-scheduler log (tail):\n%s", tail(data, 4000))
			}
		}
		_ = log.Close()
	})
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// createNode registers a Ready node with the given allocatable, as a kubelet would once its
// network is up: no not-ready taint, the labels and taints given.
func (c *cluster) createNode(ctx context.Context, n *corev1.Node) error {
	status := n.Status
	created, err := c.cs.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("creating node %s: %w", n.Name, err)
	}
	created.Status = status
	updated, err := c.cs.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("setting node %s ready: %w", n.Name, err)
	}
	// The API server's TaintNodesByCondition admission gives a new Node the not-ready taint;
	// the node lifecycle controller lifts it once the node is Ready. There is no such
	// controller here, so the test lifts it.
	updated.Spec.Taints = n.Spec.Taints
	if _, err := c.cs.CoreV1().Nodes().Update(ctx, updated, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("lifting node %s's not-ready taint: %w", n.Name, err)
	}
	return nil
}

// parallel runs f over items with a few workers and returns the first error.
func parallel[T any](items []T, f func(T) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	ch := make(chan T)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range ch {
				if err := f(it); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, it := range items {
		ch <- it
	}
	close(ch)
	wg.Wait()
	return first
}

// settle waits until the scheduler is done with every pod of the namespaces: each is bound
// or marked Unschedulable, and no pod was bound for quiet (a pod another placement made
// schedulable is retried within the one-second backoff).
func (c *cluster) settle(ctx context.Context, label string, quiet, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	lastBound, since := -1, time.Now()
	for {
		pods, err := c.cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: label})
		if err != nil {
			return err
		}
		bound, open := 0, 0
		for i := range pods.Items {
			p := &pods.Items[i]
			switch {
			case p.Spec.NodeName != "":
				bound++
			case !markedUnschedulable(p):
				open++
			}
		}
		if bound != lastBound || open > 0 {
			lastBound, since = bound, time.Now()
		}
		if open == 0 && time.Since(since) >= quiet {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the scheduler did not settle in %s: %d pods bound, %d not tried yet", limit, bound, open)
		}
		time.Sleep(time.Second)
	}
}

func markedUnschedulable(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			return true
		}
	}
	return false
}
