package integration

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// TestAutoscalerBinaryStopsCleanlyOnSIGTERM runs the real binary, configured
// only through flags, against a real apiserver, Temporal server and VPSie
// simulator, then sends SIGTERM as the kubelet would.
func TestAutoscalerBinaryStopsCleanlyOnSIGTERM(t *testing.T) {
	h := newProcessHarness(t, vpsiesim.DefaultConfig())
	p := h.start(t, "a")
	eventually(t, "lease held", func() error { return leaseHolder(context.Background(), h.ns, h.leaseID, true) })
	if err := httpContains("http://"+p.Metrics+"/metrics", "vpsie_autoscaler_vpsie_api_circuit_breaker_state"); err != nil {
		t.Errorf("vpsie client metrics not exported: %v", err)
	}
	p.Terminate(t, 45*time.Second)
	if err := leaseHolder(context.Background(), h.ns, h.leaseID, false); err != nil {
		t.Errorf("lease not released on SIGTERM: %v", err)
	}
}

// TestTerminationSurvivesAutoscalerCrash kills the autoscaler with SIGKILL
// while its worker waits for a VPS to go, starts a new one, and expects the
// same workflow to finish the job: the VPS and the VPSieNode both gone.
func TestTerminationSurvivesAutoscalerCrash(t *testing.T) {
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay = 0, 20*time.Second
	h := newProcessHarness(t, simCfg)
	ctx := context.Background()
	vpsID := h.createVPS(t, "crash-a")
	first := h.start(t, "first")
	h.deleteMember(t, "crash-a", vpsID)
	eventually(t, "vps deleting", func() error { return vmStatus(h.sim, "crash-a", vpsieapi.StatusDeleting) })

	first.Kill(t) // mid-wait: the workflow polls GetVPSState until the VPS is gone
	h.start(t, "second")
	eventuallyWithin(t, 3*time.Minute, "vpsienode released by the resumed workflow", func() error {
		var vn v1alpha1.VPSieNode
		if err := kube.Client.Get(ctx, keyOf(h.ns, "crash-a"), &vn); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there (phase %s): %v", vn.Status.Phase, err)
		}
		return nil
	})
	st := h.sim.Snapshot()
	if vms := h.sim.Snapshot().VMsByHostname("crash-a"); len(vms) != 0 {
		t.Errorf("vps still exists: %+v", vms)
	}
	if n := st.CallCount(vpsiesim.OpCreateVM); n != 1 {
		t.Errorf("simulator saw %d creates, want 1", n)
	}
	assertResumedBy(t, h, contract.TerminateWorkflowID(h.ns, "crash-a"), contract.GetVPSStateActivity, "second")
}

// TestRotatedCredentialsTakeEffectWithoutRestart starts a replica whose
// credentials the API refuses, lets a termination fail on them, then rotates
// the credentials file: the same run must finish with no restart.
func TestRotatedCredentialsTakeEffectWithoutRestart(t *testing.T) {
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay = 0, time.Second
	h := newProcessHarness(t, simCfg)
	ctx := context.Background()
	vm, err := h.api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: "rotate-a", OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64"})
	if err != nil {
		t.Fatal(err)
	}
	h.writeCredentials(t, simCfg.ClientID, "revoked-secret")
	h.start(t, "rotator")
	memberNode(t, kube.Client, h.ns, "g", "rotate-a", v1alpha1.PhaseReady, nil)
	setVPSID(t, h.ns, "rotate-a", vm.Identifier)
	eventually(t, "finalizer added", func() error { return hasFinalizer(h.ns, "rotate-a") })
	deleteVPSieNode(t, h.ns, "rotate-a")
	eventually(t, "a login refused", func() error {
		for _, c := range h.sim.Snapshot().Calls {
			if c.Op == vpsiesim.OpLogin && c.Status == http.StatusUnauthorized {
				return nil
			}
		}
		return fmt.Errorf("no refused login yet")
	})
	if err := vmStatus(h.sim, "rotate-a", vpsieapi.StatusDeleting); err == nil {
		t.Fatal("the vps is deleting although every login was refused")
	}

	h.writeCredentials(t, simCfg.ClientID, simCfg.ClientSecret)
	eventuallyWithin(t, 2*time.Minute, "vpsienode released after the rotation", func() error {
		var vn v1alpha1.VPSieNode
		if err := kube.Client.Get(ctx, keyOf(h.ns, "rotate-a"), &vn); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there (phase %s): %v", vn.Status.Phase, err)
		}
		return nil
	})
	if vms := h.sim.Snapshot().VMsByHostname("rotate-a"); len(vms) != 0 {
		t.Errorf("vps still exists: %+v", vms)
	}
}

// assertResumedBy checks in the workflow's history that the run another replica
// started went on under the named replica, in one run (no second workflow was
// started): some activity ran elsewhere first, and the last activityType on identity.
func assertResumedBy(t *testing.T, h *processHarness, workflowID, activityType, identity string) {
	t.Helper()
	ctx := context.Background()
	c, err := client.Dial(client.Options{HostPort: h.temporalAddr, Namespace: h.temporalNS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	scheduled := map[int64]string{}
	var first, last string
	for _, e := range fetchTemporalHistory(ctx, t, c, workflowID, "").GetEvents() {
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			scheduled[e.GetEventId()] = a.GetActivityType().GetName()
		}
		a := e.GetActivityTaskStartedEventAttributes()
		if a == nil {
			continue
		}
		if first == "" {
			first = a.GetIdentity()
		}
		if scheduled[a.GetScheduledEventId()] == activityType {
			last = a.GetIdentity()
		}
	}
	if first == identity || last != identity {
		t.Errorf("in %s the first activity ran on %q and the last %s on %q; want another replica first and %q last",
			workflowID, first, activityType, last, identity)
	}
}

// processHarness runs autoscaler processes against one apiserver namespace,
// one Temporal server and one simulator, as replicas of one deployment.
type processHarness struct {
	bin, kubeconfig, creds, ns, leaseID string
	temporalAddr, temporalNS, simURL    string
	sim                                 *vpsiesim.Simulator
	api                                 *vpsie.Client
}

func newProcessHarness(t *testing.T, simCfg vpsiesim.Config) *processHarness {
	t.Helper()
	env := needKube(t)
	dir := t.TempDir()
	h := &processHarness{bin: testproc.Build(t, testenv.RepoRoot(), dir, raceEnabled), ns: newNamespace(t, env.Client), leaseID: "process-it",
		kubeconfig: filepath.Join(dir, "kubeconfig"), creds: filepath.Join(dir, "credentials.yaml")}
	if err := env.WriteKubeconfig(h.kubeconfig); err != nil {
		t.Fatal(err)
	}
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	h.temporalAddr, h.temporalNS = ts.GetFrontendHostPort(), ts.GetDefaultNamespace()
	simCfg.TickInterval = 50 * time.Millisecond
	h.sim, h.api, h.simURL = startSimulatorWith(t, simCfg)
	h.writeCredentials(t, simCfg.ClientID, simCfg.ClientSecret)
	return h
}

// writeCredentials replaces the replicas' credentials file, as an operator rotating them would.
func (h *processHarness) writeCredentials(t *testing.T, id, secret string) {
	t.Helper()
	creds := fmt.Sprintf("clientId: %s\nclientSecret: %q\n", id, secret)
	if err := os.WriteFile(h.creds, []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
}

// start runs a replica and waits until it is ready.
func (h *processHarness) start(t *testing.T, name string, flags ...string) *testproc.Process {
	t.Helper()
	return testproc.Start(t, testproc.Spec{Name: name, Bin: h.bin, LogDir: filepath.Dir(h.kubeconfig), Args: append([]string{
		"--controller.kubeconfig=" + h.kubeconfig, "--controller.namespace=" + h.ns,
		"--controller.leader-election-id=" + h.leaseID, "--controller.graceful-shutdown-timeout=30s",
		"--temporal.address=" + h.temporalAddr, "--temporal.namespace=" + h.temporalNS,
		"--temporal.task-queue=process-it", "--temporal.identity=" + name,
		"--vpsie.base-url=" + h.simURL, "--vpsie.allow-insecure-http", "--vpsie.credentials.file=" + h.creds,
		"--logging.format=text"}, flags...)})
}

// createVPS makes a VPS in the simulator, as a scale-up would have.
func (h *processHarness) createVPS(t *testing.T, hostname string) string {
	t.Helper()
	vm, err := h.api.CreateVM(context.Background(), vpsie.CreateVMRequest{Hostname: hostname, OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64"})
	if err != nil {
		t.Fatal(err)
	}
	return vm.Identifier
}

// deleteMember makes a Ready member of group g on that VPS, waits until a running replica guards it with its
// finalizer, and deletes it: the replica starts its termination.
func (h *processHarness) deleteMember(t *testing.T, hostname, vpsID string) {
	t.Helper()
	memberNode(t, kube.Client, h.ns, "g", hostname, v1alpha1.PhaseReady, nil)
	setVPSID(t, h.ns, hostname, vpsID)
	eventually(t, "finalizer added", func() error { return hasFinalizer(h.ns, hostname) })
	deleteVPSieNode(t, h.ns, hostname)
}

func vmStatus(sim *vpsiesim.Simulator, hostname, want string) error {
	vms := sim.Snapshot().VMsByHostname(hostname)
	if len(vms) != 1 || vms[0].Status != want {
		return fmt.Errorf("vms named %s: %+v, want one %s", hostname, vms, want)
	}
	return nil
}
