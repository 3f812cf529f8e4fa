package integration

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"
	coordinationv1 "k8s.io/api/coordination/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/freeport"
	"github.com/vpsie/vpsie-autoscaler/internal/operator"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalworker"
	"github.com/vpsie/vpsie-autoscaler/internal/tracing"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// TestOperatorRunsLeaderElectedWithProbesMetricsAndWorker starts the whole
// process (minus main's flag parsing) against a real apiserver and a real
// Temporal server, then stops it as SIGTERM would.
func TestOperatorRunsLeaderElectedWithProbesMetricsAndWorker(t *testing.T) {
	env := needKube(t)
	ns := newNamespace(t, env.Client)
	op := startOperator(t, ns, nil)
	cfg, ctx := op.cfg, context.Background()

	if err := env.Client.Create(ctx, validNodeGroup(ns, "metered")); err != nil {
		t.Fatal(err)
	}
	base := "http://" + cfg.Health.BindAddress
	eventually(t, "healthz", func() error { return httpOK(base + "/healthz") })
	eventually(t, "readyz (needs temporal)", func() error { return httpOK(base + "/readyz") })
	eventually(t, "lease held", func() error { return leaseHolder(ctx, ns, cfg.Controller.LeaderElectionID, true) })
	eventually(t, "nodegroup gauge exported", func() error {
		return httpContains("http://"+cfg.Metrics.BindAddress+"/metrics",
			fmt.Sprintf(`vpsie_autoscaler_nodegroup_min_nodes{namespace=%q,nodegroup="metered"} 1`, ns))
	})

	res, err := temporalworker.Ping(ctx, op.temporal, cfg.Temporal.TaskQueue, "op-it-ping", "hi")
	if err != nil || res.Identity != "op-it" {
		t.Fatalf("ping through the operator's worker = %+v, %v", res, err)
	}

	if err := op.stop(); err != nil { // what SIGTERM does through ctrl.SetupSignalHandler
		t.Fatal(err)
	}
	if err := leaseHolder(ctx, ns, cfg.Controller.LeaderElectionID, false); err != nil {
		t.Errorf("lease not released on shutdown: %v", err)
	}
}

// runningOperator is an operator started by a test.
type runningOperator struct {
	cfg      *config.Config
	temporal client.Client
	stop     func() error
}

// startOperator runs the operator in namespace ns against a fresh in-process
// Temporal server; api may be nil when the test needs no VPSie activities.
func startOperator(t *testing.T, ns string, api activities.VPSieAPI) *runningOperator {
	t.Helper()
	needKube(t)
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	return startOperatorOn(t, operatorConfig(t, ns), api, ts.GetFrontendHostPort(), ts.GetDefaultNamespace())
}

// startOperatorOn runs the operator with cfg against the Temporal frontend at address.
func startOperatorOn(t *testing.T, cfg *config.Config, api activities.VPSieAPI, address, namespace string) *runningOperator {
	t.Helper()
	return startOperatorTraced(t, cfg, api, address, namespace, tracing.Disabled())
}

// startOperatorTraced is startOperatorOn with tracing wired as operator.Run wires it.
func startOperatorTraced(t *testing.T, cfg *config.Config, api activities.VPSieAPI, address, namespace string,
	tr *tracing.Tracing) *runningOperator {
	t.Helper()
	env := needKube(t)
	ctx, cancel := context.WithCancel(context.Background())
	logs := &tailLog{}
	logs.printOnFailure(t, "the operator")
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: operatorLogLevel()}))
	tc, err := temporalclient.Dial(ctx, temporalclient.Options{Address: address, Namespace: namespace, Logger: log,
		Interceptors: tr.TemporalInterceptors()})
	if err != nil {
		t.Fatalf("dialing temporal: %v", err)
	}
	if err := temporalclient.EnsureSearchAttributes(ctx, tc, namespace, workflowstart.SearchAttributeNames()...); err != nil {
		t.Fatalf("registering search attributes: %v", err)
	}
	starter := workflowstart.New(tc, cfg.Temporal.TaskQueue).WithTracing(tr.Provider())
	starter.EnableSearchAttributes(true)
	op, err := operator.New(ctx, cfg, operator.Deps{
		RestConfig: env.Config, Temporal: tc, VPSie: api, Logger: logr.FromSlogHandler(log.Handler()), Starter: starter,
		Worker:         temporalworker.Options{Identity: "op-it", Logger: log},
		ManagerOptions: func(o *ctrl.Options) { o.Controller.SkipNameValidation = ptrTo(true) },
	})
	if err != nil {
		t.Fatalf("building operator: %v", err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- op.Start(ctx) }()
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case err := <-stopped:
				if err != nil {
					stopErr = fmt.Errorf("operator stopped with %w", err)
				}
			case <-time.After(45 * time.Second):
				stopErr = fmt.Errorf("operator did not stop within 45s of cancellation")
			}
			tc.Close()
		})
		return stopErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return &runningOperator{cfg: cfg, temporal: tc, stop: stop}
}

func operatorConfig(t *testing.T, ns string) *config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Controller.Namespace = ns
	cfg.Controller.LeaderElectionID = "vpsie-autoscaler-it"
	cfg.Controller.GracefulShutdownTimeout = 30 * time.Second
	cfg.Temporal.TaskQueue = "operator-it"
	cfg.Metrics.BindAddress = freeAddr(t)
	cfg.Health.BindAddress = freeAddr(t)
	cfg.ScaleUp.JoinSecretNamespace = ns
	cfg.ScaleUp.BatchIdle, cfg.ScaleUp.BatchMax, cfg.ScaleUp.ResyncPeriod = 200*time.Millisecond, time.Second, 2*time.Second
	cfg.ScaleUp.BootTimeout, cfg.ScaleUp.JoinTimeout, cfg.ScaleUp.ReadyTimeout = time.Minute, time.Minute, time.Minute
	// The simulators of these tests lag their listings by lookups, if at all, not by time:
	// a termination without a recorded VPS need not wait the production default (20 s).
	cfg.VPSie.ListingLag = 2 * time.Second
	// The orphan collector's calls would add to the VPSie calls tests count; the
	// disaster-recovery test turns it on.
	cfg.GC.Enabled = false
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test config invalid: %v", err)
	}
	return cfg
}

func leaseHolder(ctx context.Context, ns, name string, wantHeld bool) error {
	var l coordinationv1.Lease
	if err := kube.Client.Get(ctx, keyOf(ns, name), &l); err != nil {
		return err
	}
	held := l.Spec.HolderIdentity != nil && *l.Spec.HolderIdentity != ""
	if held != wantHeld {
		return fmt.Errorf("lease holder %v, want held=%v", l.Spec.HolderIdentity, wantHeld)
	}
	return nil
}

func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := freeport.Addr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

func httpOK(url string) error {
	_, err := httpGet(url)
	return err
}

func httpContains(url, want string) error {
	body, err := httpGet(url)
	if err != nil {
		return err
	}
	if !strings.Contains(body, want) {
		return fmt.Errorf("%s does not contain %s", url, want)
	}
	return nil
}

func httpGet(url string) (string, error) {
	resp, err := http.Get(url) //nolint:gosec // test URL on loopback
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s: %s", url, resp.Status, b)
	}
	return string(b), err
}
