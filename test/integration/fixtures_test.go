package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
)

// newNamespace gives each test its own namespace so tests never see each
// other's objects.
func newNamespace(t *testing.T, c client.Client) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "it-"}}
	if err := c.Create(context.Background(), ns); err != nil {
		t.Fatalf("creating namespace: %v", err)
	}
	return ns.Name
}

func validNodeGroup(ns, name string) *v1alpha1.NodeGroup {
	return &v1alpha1.NodeGroup{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.NodeGroupSpec{
			MinNodes: 1, MaxNodes: 5, DatacenterID: "dc-ams1",
			OfferingIDs: []string{"std-2-4"}, OSImageID: "ubuntu-24.04", KubernetesVersion: "v1.36.3",
		},
	}
}

// startManager runs the NodeGroup controller until the test ends.
func startManager(t *testing.T) {
	t.Helper()
	env := needKube(t)
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 env.Scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptrTo(true)},
	})
	if err != nil {
		t.Fatalf("creating manager: %v", err)
	}
	if err := nodegroup.NewController(mgr.GetClient(), clock.RealClock{}, nil).Register(context.Background(), mgr); err != nil {
		t.Fatalf("registering controller: %v", err)
	}
	runUntilCleanup(t, "manager", mgr.Start)
}

// runUntilCleanup runs start in the background and, when the test ends,
// cancels it and reports an error it returned.
func runUntilCleanup(t *testing.T, what string, start func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s: %v", what, err)
		}
	})
}

func keyOf(ns, name string) client.ObjectKey { return client.ObjectKey{Namespace: ns, Name: name} }

func ptrTo[T any](v T) *T { return &v }

// eventually polls cond until it returns nil or the deadline passes; the
// deadline is generous because CI machines are small and busy.
func eventually(t *testing.T, what string, cond func() error) {
	t.Helper()
	eventuallyWithin(t, time.Minute, what, cond)
}

// eventuallyWithin is eventually with a caller-chosen deadline, for waits
// that include Temporal's own timeouts.
// A wait that took more than half its limit is logged ("slow wait"), so a CI log shows the
// near misses.
func eventuallyWithin(t *testing.T, limit time.Duration, what string, cond func() error) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(limit)
	var err error
	for time.Now().Before(deadline) {
		if err = cond(); err == nil {
			if took := time.Since(start); took > limit/2 {
				t.Logf("slow wait: %s held after %s of its %s", what, took.Round(100*time.Millisecond), limit)
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: still failing after %s: %v", what, limit, err)
}

// memberNode creates a VPSieNode of group ng with the given phase and, when
// ready is non-nil, its Node with that readiness.
func memberNode(t *testing.T, c client.Client, ns, ng, name string, phase v1alpha1.VPSieNodePhase, ready *bool) {
	t.Helper()
	ctx := context.Background()
	vn := &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{
			v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: ng,
		}},
		Spec: v1alpha1.VPSieNodeSpec{NodeGroup: ng, OfferingID: "std-2-4", DatacenterID: "dc-ams1",
			ImageID: "ubuntu-24.04", Hostname: name},
	}
	if err := c.Create(ctx, vn); err != nil {
		t.Fatalf("creating vpsienode %s: %v", name, err)
	}
	updateVPSieNodeStatus(t, ns, name, func(st *v1alpha1.VPSieNodeStatus) {
		*st = v1alpha1.VPSieNodeStatus{Phase: phase, VPSID: "vps-" + name, NodeName: name}
	})
	if ready == nil {
		return
	}
	setNode(t, c, ng, name, *ready)
}

func setNode(t *testing.T, c client.Client, ng, name string, ready bool) {
	t.Helper()
	ctx := context.Background()
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: ng,
	}}}
	if err := c.Create(ctx, n); err != nil {
		t.Fatalf("creating node %s: %v", name, err)
	}
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: st,
		LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now(), Reason: "Test", Message: fmt.Sprint(ready)}}
	if err := c.Status().Update(ctx, n); err != nil {
		t.Fatalf("setting node %s status: %v", name, err)
	}
	t.Cleanup(func() { _ = c.Delete(context.Background(), n) })
}

// updateVPSieNodeStatus writes status as a workflow activity would, re-reading
// on conflict because a running controller may be adding its finalizer.
func updateVPSieNodeStatus(t *testing.T, ns, name string, mutate func(*v1alpha1.VPSieNodeStatus)) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		var vn v1alpha1.VPSieNode
		if err := kube.Client.Get(context.Background(), keyOf(ns, name), &vn); err != nil {
			return err
		}
		mutate(&vn.Status)
		return kube.Client.Status().Update(context.Background(), &vn)
	})
	if err != nil {
		t.Fatalf("setting vpsienode %s status: %v", name, err)
	}
}
