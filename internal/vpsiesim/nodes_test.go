package vpsiesim_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
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
	vm := h.createA(token, vmReq("worker-1", "autoscaler.vpsie.com/nodegroup=pool-a", "free text tag", "cluster=dev"))
	node := waitForNode(ctx, t, kube, "worker-1", func(n *corev1.Node) bool { return n != nil })
	checkRegisteredNode(t, node, vm)

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

// checkRegisteredNode checks what a booted VM's Node carries: provider ID, resources, labels, kwok annotation.
func checkRegisteredNode(t *testing.T, node *corev1.Node, vm vpsieapi.VM) {
	t.Helper()
	if node.Spec.ProviderID != "vpsie://"+vm.Identifier {
		t.Errorf("providerID = %q", node.Spec.ProviderID)
	}
	wantRes := map[corev1.ResourceName]string{"cpu": "2", "memory": "4Gi", "ephemeral-storage": "80Gi", "pods": "110"}
	for name, want := range wantRes {
		for _, list := range []corev1.ResourceList{node.Status.Capacity, node.Status.Allocatable} {
			if got := list[name]; got.Cmp(resource.MustParse(want)) != 0 {
				t.Errorf("%s = %s, want %s", name, got.String(), want)
			}
		}
	}
	wantLabels := map[string]string{
		"kubernetes.io/hostname": "worker-1", "node.kubernetes.io/instance-type": "std-2c-4g",
		"topology.kubernetes.io/zone": "tor1", "topology.kubernetes.io/region": "tor1",
		"autoscaler.vpsie.com/nodegroup": "pool-a", "cluster": "dev",
	}
	for k, v := range wantLabels {
		if node.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, node.Labels[k], v)
		}
	}
	if node.Annotations["kwok.x-k8s.io/node"] != "fake" || readyStatus(node) != corev1.ConditionTrue {
		t.Errorf("annotations %v, ready %v", node.Annotations, readyStatus(node))
	}
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
