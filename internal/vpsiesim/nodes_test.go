package vpsiesim_test

import (
	"context"
	"errors"
	"maps"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// startAPIServer runs a real kube-apiserver and etcd from the binaries internal/testenv finds
// (KUBEBUILDER_ASSETS, else the repo's bin/k8s). Without them the test is skipped, except in CI (CI set), where
// a silent skip would hide that Node registration is never tested.
func startAPIServer(t *testing.T) kubernetes.Interface {
	t.Helper()
	assets, err := testenv.Assets()
	switch {
	case errors.Is(err, testenv.ErrNoAssets) && os.Getenv("CI") == "":
		t.Skipf("%v", err)
	case err != nil:
		t.Fatalf("control-plane binaries are required in CI: %v", err)
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting envtest: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("stopping envtest: %v", err)
		}
	})
	return kubernetes.NewForConfigOrDie(cfg)
}

func TestRunningVMRegistersItsNodeThatGoesNotReadyWhenTheVMIsGone(t *testing.T) {
	kube := startAPIServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	foreign := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "control-plane"}}
	if _, err := kube.CoreV1().Nodes().Create(ctx, foreign, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	cfg := vpsiesim.DefaultConfig()
	cfg.Logger = testLogger(t)
	cfg.Kube, cfg.BootDelay, cfg.DeleteDelay = kube, 200*time.Millisecond, 200*time.Millisecond
	cfg.TickInterval, cfg.NodeSyncInterval = 20*time.Millisecond, 100*time.Millisecond
	cfg.Kubelet.ReadyDelay = time.Second
	sim, err := vpsiesim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	runDone := make(chan error, 1)
	go func() { runDone <- sim.Run(ctx) }()
	h := &harness{t: t, sim: sim, srv: srv}

	token := h.loginA()
	bootstrapToken(ctx, t, kube, "abcdef", "0123456789abcdef", time.Now().Add(time.Hour))
	req := vmReq("worker-1", "autoscaler.vpsie.com/nodegroup=pool-a", "free text tag", "cluster=dev")
	req.UserData = "#cloud-config\nwrite_files:\n  - path: /etc/default/kubelet\n    content: |\n" +
		"      KUBELET_EXTRA_ARGS=--node-labels=autoscaler.vpsie.com/nodegroup=pool-a,topology.kubernetes.io/zone=tor1" +
		" --register-with-taints=dedicated=a:NoSchedule\nruncmd:\n  - apt-get install -y 'kubelet=1.36.3-*'\n" +
		"  - kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:00\n"
	vm := h.createA(token, req)
	node := waitForNode(ctx, t, kube, "worker-1", func(n *corev1.Node) bool { return n != nil })
	checkRegisteredNode(t, node, vm)
	if readyStatus(node) != corev1.ConditionFalse || readyCondition(node).Reason != vpsiesim.ReasonKubeletNotReady ||
		!hasTaint(node, corev1.TaintNodeNotReady) || node.Annotations[vpsiesim.AnnotationKubeletStarting] != "true" ||
		node.Annotations[vpsiesim.AnnotationKwok] != "fake" {
		t.Errorf("a new node: Ready %+v, taints %v, annotations %v; want NotReady, not-ready taint, kubelet starting",
			readyCondition(node), node.Spec.Taints, node.Annotations)
	}
	node = waitForNode(ctx, t, kube, "worker-1", func(n *corev1.Node) bool {
		if n == nil {
			return false
		}
		_, starting := n.Annotations[vpsiesim.AnnotationKubeletStarting]
		return !starting && !hasTaint(n, corev1.TaintNodeNotReady)
	})
	if readyStatus(node) != corev1.ConditionTrue || hasTaint(node, corev1.TaintNodeNotReady) || !hasTaint(node, "dedicated") {
		t.Errorf("after the ready delay: Ready %+v, taints %v; want Ready, no not-ready taint, its own taint",
			readyCondition(node), node.Spec.Taints)
	}

	// A label the kubelet may not set on its own Node: the VM runs, its kubelet refuses to start, no Node.
	bad := vmReq("worker-2")
	bad.UserData = "#!/bin/sh\nKUBELET_EXTRA_ARGS=--node-labels=node-role.kubernetes.io/worker=\napt-get install -y kubelet=1.36.3-1.1\n"
	h.createA(token, bad)
	// A join whose token has no Secret: the VM runs, kubeadm join fails, no Node.
	noToken := vmReq("worker-3")
	noToken.UserData = "#!/bin/sh\napt-get install -y kubelet=1.36.3-1.1\nkubeadm join 10.0.0.1:6443 --token zzzzzz.0123456789abcdef\n"
	h.createA(token, noToken)
	for host, want := range map[string]string{"worker-2": "node-role.kubernetes.io/worker", "worker-3": "token zzzzzz has no Secret"} {
		checkNoNode(ctx, t, sim, kube, host, want)
	}

	// The machine goes, its kubelet with it; nobody plays the cloud-controller-manager, so the Node stays.
	h.do(request{method: "DELETE", path: "/v2/vm/" + vm.Identifier, header: bearer(token)})
	node = waitForNode(ctx, t, kube, "worker-1", func(n *corev1.Node) bool {
		return n != nil && readyStatus(n) == corev1.ConditionUnknown
	})
	if c := readyCondition(node); c.Reason != vpsiesim.ReasonNodeStatusUnknown || node.Annotations[vpsiesim.AnnotationKwok] != "" {
		t.Fatalf("gone VM's node: Ready %+v, annotations %v; want NodeStatusUnknown and kwok let go", c, node.Annotations)
	}

	// With RemoveNodes the simulator plays the cloud-controller-manager too, for Nodes already NotReady as well.
	if err := sim.SetRealism(vpsiesim.Realism{RemoveNodes: true}); err != nil {
		t.Fatal(err)
	}
	waitForNode(ctx, t, kube, "worker-1", func(n *corev1.Node) bool { return n == nil })
	if _, err := kube.CoreV1().Nodes().Get(ctx, "control-plane", metav1.GetOptions{}); err != nil {
		t.Fatalf("foreign node touched: %v", err)
	}
	cancel()
	if err := <-runDone; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// checkRegisteredNode checks what a booted VM's Node carries: no provider ID (its user data gives none),
// resources, labels from --node-labels and the kubelet alone, the installed kubelet version.
func checkRegisteredNode(t *testing.T, node *corev1.Node, vm vpsieapi.VM) {
	t.Helper()
	if node.Spec.ProviderID != "" || node.Annotations[vpsiesim.AnnotationVM] != vm.Identifier ||
		node.Status.NodeInfo.KubeletVersion != "v1.36.3" {
		t.Errorf("providerID = %q, annotations %v, kubelet %q", node.Spec.ProviderID, node.Annotations,
			node.Status.NodeInfo.KubeletVersion)
	}
	// The user data sets no reserves: allocatable keeps only the kubelet's default memory
	// eviction threshold (100Mi) from pods.
	capacity := map[corev1.ResourceName]string{"cpu": "2", "memory": "4Gi", "ephemeral-storage": "80Gi", "pods": "110"}
	allocatable := map[corev1.ResourceName]string{"cpu": "2", "memory": "3996Mi", "ephemeral-storage": "80Gi", "pods": "110"}
	for _, c := range []struct {
		what string
		list corev1.ResourceList
		want map[corev1.ResourceName]string
	}{{"capacity", node.Status.Capacity, capacity}, {"allocatable", node.Status.Allocatable, allocatable}} {
		for name, want := range c.want {
			if got := c.list[name]; got.Cmp(resource.MustParse(want)) != 0 {
				t.Errorf("%s %s = %s, want %s", c.what, name, got.String(), want)
			}
		}
	}
	wantLabels := map[string]string{
		"kubernetes.io/hostname": "worker-1", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
		"topology.kubernetes.io/zone": "tor1", "autoscaler.vpsie.com/nodegroup": "pool-a",
	}
	if !maps.Equal(node.Labels, wantLabels) {
		t.Errorf("labels = %v, want %v (VM tags never become labels)", node.Labels, wantLabels)
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

// waitForNode polls until done holds for the Node name (nil while it does not exist) and returns it.
func waitForNode(ctx context.Context, t *testing.T, kube kubernetes.Interface, name string,
	done func(*corev1.Node) bool) *corev1.Node {
	t.Helper()
	var node *corev1.Node
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		n, err := kube.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			n = nil
		case err != nil:
			return false, nil
		}
		node = n
		return done(n), nil
	})
	if err != nil {
		t.Fatalf("waiting for node %s: %v (last seen: %+v)", name, err, node)
	}
	return node
}

func readyCondition(n *corev1.Node) corev1.NodeCondition {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c
		}
	}
	return corev1.NodeCondition{}
}

func readyStatus(n *corev1.Node) corev1.ConditionStatus { return readyCondition(n).Status }

// checkNoNode waits until the VM of host records why no Node registers, and checks it runs without one.
func checkNoNode(ctx context.Context, t *testing.T, sim *vpsiesim.Simulator, kube kubernetes.Interface, host, want string) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		for _, v := range sim.Snapshot().VMs {
			if v.VM.Hostname == host && v.NodeError != "" {
				return true, nil
			}
		}
		return false, nil
	}); err != nil {
		t.Fatalf("%s's failure to register not recorded: %v", host, err)
	}
	for _, v := range sim.Snapshot().VMs {
		if v.VM.Hostname == host && (v.VM.Status != vpsieapi.StatusRunning || !strings.Contains(v.NodeError, want)) {
			t.Errorf("%s: status %s, node error %q, want %q", host, v.VM.Status, v.NodeError, want)
		}
	}
	if _, err := kube.CoreV1().Nodes().Get(ctx, host, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("%s registered a Node a real machine would not: %v", host, err)
	}
}

// bootstrapToken creates a bootstrap token Secret as kubeadm (or the autoscaler) does.
func bootstrapToken(ctx context.Context, t *testing.T, kube kubernetes.Interface, id, secret string, expires time.Time) {
	t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "bootstrap-token-" + id},
		Type: "bootstrap.kubernetes.io/token", StringData: map[string]string{"token-id": id, "token-secret": secret,
			"usage-bootstrap-authentication": "true", "expiration": expires.UTC().Format(time.RFC3339)}}
	if _, err := kube.CoreV1().Secrets("kube-system").Create(ctx, s, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}
