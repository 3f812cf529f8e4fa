package integration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/server/temporaltest"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlconfig "sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/vpsienode"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalworker"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// TestDrainAndDeleteSurvivesAWorkerRestart stops the worker while EvictPods waits on a
// PodDisruptionBudget, after it evicted one of two pods, and starts another worker on
// the same Temporal server: the eviction is retried there under the same deadline,
// continues the count from the last heartbeat, and the node goes once.
func TestDrainAndDeleteSurvivesAWorkerRestart(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	sim, api := startSimulator(t)
	ctx := context.Background()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	tc := ts.GetDefaultClient()
	if err := temporalclient.EnsureSearchAttributes(ctx, tc, ts.GetDefaultNamespace(), workflowstart.SearchAttributeNames()...); err != nil {
		t.Fatal(err)
	}
	const queue = "drain-restart"
	starter := workflowstart.New(tc, queue)
	starter.EnableSearchAttributes(true)
	startTerminationController(t, ns, starter)
	first := startDrainWorker(t, tc, api, queue, "worker-1")

	const node = "drain-r"
	ref := drainableNode(t, ns, api, node)
	pdb := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"},
		Spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: ptrTo(intstr.FromInt32(0)),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}}
	if err := c.Create(ctx, pdb); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"web-1", "web-2"} {
		runningPod(t, ns, name, node, map[string]string{"app": "web"}, webOwner())
	}
	allowDisruptions(t, ns, "web", 1)
	in := contract.DrainAndDeleteInput{NodeName: node, Namespace: ns, NodeGroup: "g", VPSieNode: ref,
		Reason: "underutilized", Policy: contract.DrainPolicy{Timeout: 2 * time.Minute,
			RetryInterval: 200 * time.Millisecond, GracePeriodSeconds: ptrTo(int64(0))}}
	run := drain(ctx, t, starter, in)

	eventually(t, "one pod evicted", func() error {
		return heartbeatBlocked(ctx, tc, run.GetID())
	})
	first() // the worker goes away mid-eviction
	startDrainWorker(t, tc, api, queue, "worker-2")
	allowDisruptions(t, ns, "web", 1)

	var res contract.DrainAndDeleteResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("drain: %v", err)
	}
	if res.Outcome != contract.DrainDeleted || res.Evicted != 2 || res.Remaining != 0 {
		t.Fatalf("drain = %+v, want deleted with both pods counted across the restart", res)
	}
	if attempts := evictAttempts(ctx, t, tc, run.GetID()); attempts < 2 {
		t.Errorf("EvictPods ran %d attempts, want it retried on the second worker", attempts)
	}
	if err := c.Get(ctx, client.ObjectKey{Name: node}, &corev1.Node{}); !apierrors.IsNotFound(err) {
		t.Errorf("node still there: %v", err)
	}
	if deletes := sim.Snapshot().CallCount(vpsiesim.OpDeleteVM); deletes != 1 {
		t.Errorf("simulator saw %d deletes, want 1", deletes)
	}
}

// startTerminationController runs the VPSieNode controller, which starts the
// termination of a deleted VPSieNode, for namespace ns only.
func startTerminationController(t *testing.T, ns string, s *workflowstart.Starter) {
	t.Helper()
	env := needKube(t)
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 env.Scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             ctrlconfig.Controller{SkipNameValidation: ptrTo(true)},
		Cache:                  cache.Options{DefaultNamespaces: map[string]cache.Config{ns: {}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctrlr := vpsienode.NewController(mgr.GetClient(), s, config.Default().Controller.ClusterName, nil)
	if err := ctrlr.Register(context.Background(), mgr); err != nil {
		t.Fatal(err)
	}
	runUntilCleanup(t, "manager", mgr.Start)
}

// startDrainWorker runs a worker as the operator builds it and returns a function
// that stops it (also called when the test ends).
func startDrainWorker(t *testing.T, tc sdkclient.Client, api *vpsie.Client, queue, identity string) func() {
	t.Helper()
	env := needKube(t)
	kc, err := client.New(env.Config, client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := activities.NewEvictionClient(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	w := temporalworker.New(tc, temporalworker.Options{TaskQueue: queue, Identity: identity,
		StopTimeout: 100 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		activities.Set{Kube: &activities.Kube{Client: kc, Evictions: ev}, VPSie: &activities.VPSie{API: api}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Start(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker %s: %v", identity, err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// heartbeatBlocked reports nil once the pending EvictPods heartbeat says one pod was
// evicted (the budget then has no disruption left for the other). Only the first
// heartbeat reaches the server at once (later ones are batched), and it is this one.
func heartbeatBlocked(ctx context.Context, tc sdkclient.Client, id string) error {
	desc, err := tc.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return err
	}
	for _, a := range desc.GetPendingActivities() {
		if a.GetActivityType().GetName() != contract.EvictPodsActivity || a.GetHeartbeatDetails() == nil {
			continue
		}
		var p contract.EvictPodsResult
		if err := converter.GetDefaultDataConverter().FromPayloads(a.GetHeartbeatDetails(), &p); err != nil {
			return err
		}
		if p.Evicted == 1 {
			return nil
		}
		return fmt.Errorf("heartbeat %+v", p)
	}
	return errors.New("no EvictPods heartbeat yet")
}

// evictAttempts is the attempt on which EvictPods completed.
func evictAttempts(ctx context.Context, t *testing.T, tc sdkclient.Client, id string) int32 {
	t.Helper()
	var scheduled int64
	for _, e := range fetchTemporalHistory(ctx, t, tc, id, "").GetEvents() {
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == contract.EvictPodsActivity {
			scheduled = e.GetEventId()
		}
		if a := e.GetActivityTaskStartedEventAttributes(); a != nil && a.GetScheduledEventId() == scheduled {
			return a.GetAttempt()
		}
	}
	return 0
}
