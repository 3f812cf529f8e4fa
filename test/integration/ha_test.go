package integration

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// High availability with two replicas of the real binary, leader election as
// the chart configures it (charts/vpsie-autoscaler/values.yaml), one Temporal
// server and the VPSie simulator. docs/performance/ha.md records the times
// these tests log. They do not run in parallel: the controllers watch every
// namespace, so two tests' replicas would act on each other's objects.

// leaderElectionTiming is the chart's lease settings.
type leaderElectionTiming struct{ lease, renew, retry time.Duration }

func chartLeaderElection(t *testing.T) leaderElectionTiming {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(chartDir(), "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Config struct {
			Controller struct{ LeaseDuration, RenewDeadline, RetryPeriod string } `json:"controller"`
		} `json:"config"`
	}
	if err := yaml.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	c := v.Config.Controller
	var le leaderElectionTiming
	for p, s := range map[*time.Duration]string{&le.lease: c.LeaseDuration, &le.renew: c.RenewDeadline, &le.retry: c.RetryPeriod} {
		if *p, err = time.ParseDuration(s); err != nil {
			t.Fatalf("chart lease setting %q: %v", s, err)
		}
	}
	return le
}

func (le leaderElectionTiming) flags() []string {
	return []string{"--controller.lease-duration=" + le.lease.String(), "--controller.renew-deadline=" + le.renew.String(),
		"--controller.retry-period=" + le.retry.String()}
}

// maxPoll is the longest wait between two attempts of a standby: client-go
// waits retryPeriod plus up to 1.2 times retryPeriod of jitter.
func (le leaderElectionTiming) maxPoll() time.Duration {
	return time.Duration(math.Ceil(2.2 * float64(le.retry)))
}

type leaseObservation struct {
	holder  string
	acquire time.Time
	seen    time.Time
}

func observeLease(ctx context.Context, ns, name string) (leaseObservation, error) {
	var l coordinationv1.Lease
	if err := kube.Client.Get(ctx, keyOf(ns, name), &l); err != nil {
		return leaseObservation{}, err
	}
	o := leaseObservation{seen: time.Now()}
	if l.Spec.HolderIdentity != nil {
		o.holder = *l.Spec.HolderIdentity
	}
	if l.Spec.AcquireTime != nil {
		o.acquire = l.Spec.AcquireTime.Time
	}
	return o, nil
}

// waitLease polls the Lease every 20 ms until cond holds.
func waitLease(t *testing.T, ns, name string, limit time.Duration, what string, cond func(leaseObservation) bool) leaseObservation {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last leaseObservation
	for time.Now().Before(deadline) {
		o, err := observeLease(context.Background(), ns, name)
		if err == nil && cond(o) {
			return o
		}
		last = o
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: not within %s (last holder %q)", what, limit, last.holder)
	return last
}

// haPair starts replica a, waits until it leads, then starts replica b as its standby.
func haPair(t *testing.T, h *processHarness, le leaderElectionTiming) (a, b *testproc.Process, leaderID string) {
	t.Helper()
	a = h.start(t, "a", le.flags()...)
	leaderID = waitLease(t, h.ns, h.leaseID, time.Minute, "replica a leads", func(o leaseObservation) bool { return o.holder != "" }).holder
	b = h.start(t, "b", le.flags()...)
	time.Sleep(2 * le.maxPoll()) // b has tried, and must have found the Lease held
	if o, err := observeLease(context.Background(), h.ns, h.leaseID); err != nil || o.holder != leaderID {
		t.Fatalf("the Lease moved to %q while its leader ran (%v)", o.holder, err)
	}
	return a, b, leaderID
}

// terminationInFlight makes a VPSieNode whose VPS the leader's workflow is
// deleting (the simulator keeps it "deleting" for its DeleteDelay).
func terminationInFlight(t *testing.T, h *processHarness, name string) {
	t.Helper()
	ownedVPS(t, h, name)
	eventually(t, "finalizer on "+name, func() error { return hasFinalizer(h.ns, name) })
	deleteVPSieNode(t, h.ns, name)
	eventually(t, name+" deleting", func() error { return vmStatus(h.sim, name, vpsieapi.StatusDeleting) })
}

func ownedVPS(t *testing.T, h *processHarness, name string) vpsie.VM {
	t.Helper()
	vm, err := h.api.CreateVM(context.Background(), vpsie.CreateVMRequest{Hostname: name, OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64"})
	if err != nil {
		t.Fatal(err)
	}
	memberNode(t, kube.Client, h.ns, "g", name, v1alpha1.PhaseReady, nil)
	setVPSID(t, h.ns, name, vm.Identifier)
	registerNode(t, name, "vpsie://"+vm.Identifier, nil)
	return vm
}

// terminatedOnce waits until the VPSieNode, its Node and its VPS are gone,
// then checks Temporal ran exactly one workflow execution for it, completed.
func terminatedOnce(t *testing.T, h *processHarness, c client.Client, name string) {
	t.Helper()
	ctx := context.Background()
	eventuallyWithin(t, 3*time.Minute, name+": vpsienode, node and vps gone", func() error {
		if err := kube.Client.Get(ctx, keyOf(h.ns, name), &v1alpha1.VPSieNode{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("vpsienode: %v", err)
		}
		if err := kube.Client.Get(ctx, ctrlclient.ObjectKey{Name: name}, &corev1.Node{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("node: %v", err)
		}
		if vms := h.sim.Snapshot().VMsByHostname(name); len(vms) != 0 {
			return fmt.Errorf("vps: %+v", vms)
		}
		return nil
	})
	id := contract.TerminateWorkflowID(h.ns, name)
	var runs []string
	eventually(t, "visibility of "+id, func() error {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: h.temporalNS,
			Query: fmt.Sprintf("WorkflowId = '%s'", id)})
		if err != nil {
			return err
		}
		runs = runs[:0]
		for _, e := range resp.GetExecutions() {
			if e.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
				return fmt.Errorf("run %s is %s", e.GetExecution().GetRunId(), e.GetStatus())
			}
			runs = append(runs, e.GetExecution().GetRunId())
		}
		if len(runs) == 0 {
			return fmt.Errorf("no completed run listed yet")
		}
		return nil
	})
	if len(runs) != 1 {
		t.Errorf("%s ran %d times (%v), want once", id, len(runs), runs)
	}
}

// activityIdentities lists who started each activity of a workflow, in order.
func activityIdentities(t *testing.T, c client.Client, workflowID string) []string {
	t.Helper()
	scheduled := map[int64]string{}
	var out []string
	for _, e := range fetchTemporalHistory(context.Background(), t, c, workflowID, "").GetEvents() {
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			scheduled[e.GetEventId()] = a.GetActivityType().GetName()
		}
		if a := e.GetActivityTaskStartedEventAttributes(); a != nil {
			out = append(out, fmt.Sprintf("%s@%s#%d", scheduled[a.GetScheduledEventId()], a.GetIdentity(), a.GetAttempt()))
		}
	}
	return out
}

func startedBy(t *testing.T, c client.Client, workflowID string) string {
	t.Helper()
	events := fetchTemporalHistory(context.Background(), t, c, workflowID, "").GetEvents()
	if len(events) == 0 {
		t.Fatalf("no history for %s", workflowID)
	}
	return events[0].GetWorkflowExecutionStartedEventAttributes().GetIdentity()
}

func temporalClient(t *testing.T, h *processHarness) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: h.temporalAddr, Namespace: h.temporalNS})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// TestHAFailoverWhenTheLeaderIsKilled: SIGKILL of the leader while a
// termination workflow waits for its VPS to go. The standby takes the Lease
// once it expires, its controller handles what happens after the kill, the
// workers finish the running workflow, and every workflow runs exactly once.
func TestHAFailoverWhenTheLeaderIsKilled(t *testing.T) {
	le := chartLeaderElection(t)
	simCfg := vpsiesim.DefaultConfig()
	// The VPS stays "deleting" past the failover, so the workflow is mid-wait
	// when the leader dies and finishes on the survivor.
	simCfg.BootDelay, simCfg.DeleteDelay = 0, le.lease+5*time.Second
	h := newProcessHarness(t, simCfg)
	c := temporalClient(t, h)
	a, _, leaderID := haPair(t, h, le)

	terminationInFlight(t, h, "ha-kill-a")
	// A second VPSieNode whose deletion comes after the kill: only a leader's
	// controller starts its workflow, so it shows the new leader at work.
	ownedVPS(t, h, "ha-kill-b")
	eventually(t, "finalizer on ha-kill-b", func() error { return hasFinalizer(h.ns, "ha-kill-b") })

	killed := time.Now()
	a.Kill(t)
	deleteVPSieNode(t, h.ns, "ha-kill-b")
	bound := le.lease + 2*le.maxPoll() + time.Second
	o := waitLease(t, h.ns, h.leaseID, bound+10*time.Second, "the standby takes the Lease",
		func(o leaseObservation) bool { return o.holder != "" && o.holder != leaderID })
	takeover := o.acquire.Sub(killed)
	t.Logf("HA SIGKILL: standby acquired the Lease %.2fs after the kill (seen %.2fs); lease %s, retry %s, bound %s",
		takeover.Seconds(), o.seen.Sub(killed).Seconds(), le.lease, le.retry, bound)
	// The standby may take an unrenewed Lease only leaseDuration after it last
	// saw it change, and tries every retryPeriod..2.2*retryPeriod.
	if takeover > bound || takeover < le.lease-le.maxPoll() {
		t.Errorf("takeover after %s, want between %s and %s", takeover, le.lease-le.maxPoll(), bound)
	}

	terminatedOnce(t, h, c, "ha-kill-a")
	terminatedOnce(t, h, c, "ha-kill-b")
	t.Logf("HA SIGKILL: both terminations done %.2fs after the kill", time.Since(killed).Seconds())
	if deletes := h.sim.Snapshot().CallCount(vpsiesim.OpDeleteVM); deletes != 2 {
		t.Errorf("simulator saw %d deletes, want one per VPS", deletes)
	}
	if got := startedBy(t, c, contract.TerminateWorkflowID(h.ns, "ha-kill-b")); got != "b" {
		t.Errorf("the workflow for the VPSieNode deleted after the kill was started by %q, want the new leader b", got)
	}
	acts := activityIdentities(t, c, contract.TerminateWorkflowID(h.ns, "ha-kill-a"))
	if len(acts) == 0 || !ranOn(acts[len(acts)-1], "b") {
		t.Errorf("the interrupted workflow's last activity did not run on the survivor b; activities: %v", acts)
	}
	t.Logf("HA SIGKILL: activities of the interrupted workflow: %v", acts)
}

// ranOn reads an activityIdentities entry, "Activity@identity#attempt".
func ranOn(entry, identity string) bool {
	_, rest, _ := strings.Cut(entry, "@")
	who, _, _ := strings.Cut(rest, "#")
	return who == identity
}

// TestHAFailoverWhenTheLeaderIsStopped: SIGTERM of the leader (a rolling
// update, a drain) while a termination workflow runs. The leader releases the
// Lease as it exits, the standby takes it in under 5 s, the leader exits 0 and
// the workflow completes once.
func TestHAFailoverWhenTheLeaderIsStopped(t *testing.T) {
	le := chartLeaderElection(t)
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay = 0, 8*time.Second
	h := newProcessHarness(t, simCfg)
	c := temporalClient(t, h)
	a, _, leaderID := haPair(t, h, le)
	terminationInFlight(t, h, "ha-term-a")

	stopped := time.Now()
	if err := a.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	released := waitLease(t, h.ns, h.leaseID, 45*time.Second, "the leader releases the Lease",
		func(o leaseObservation) bool { return o.holder != leaderID })
	o := released
	if o.holder == "" {
		o = waitLease(t, h.ns, h.leaseID, 10*time.Second, "the standby takes the Lease",
			func(o leaseObservation) bool { return o.holder != "" && o.holder != leaderID })
	}
	done, exitErr := a.WaitExit(45 * time.Second)
	if !done {
		t.Fatal("the stopped leader is still running 45s after SIGTERM")
	}
	exited := time.Since(stopped)
	failover := o.acquire.Sub(stopped)
	t.Logf("HA SIGTERM: Lease released %.2fs after SIGTERM, standby acquired it %.2fs after SIGTERM; leader exited within %.2fs (%v); retry %s",
		released.seen.Sub(stopped).Seconds(), failover.Seconds(), exited.Seconds(), exitErr, le.retry)
	if exitErr != nil {
		t.Errorf("the leader exited with %v after SIGTERM, want 0", exitErr)
	}
	if failover >= 5*time.Second {
		t.Errorf("failover took %s after SIGTERM, want under 5s", failover)
	}
	terminatedOnce(t, h, c, "ha-term-a")
	t.Logf("HA SIGTERM: activities of the workflow: %v", activityIdentities(t, c, contract.TerminateWorkflowID(h.ns, "ha-term-a")))
	if deletes := h.sim.Snapshot().CallCount(vpsiesim.OpDeleteVM); deletes != 1 {
		t.Errorf("simulator saw %d deletes, want 1", deletes)
	}
}

// TestHALeaderStoppedWithAnActivityInFlight: SIGTERM while the leader's worker
// runs an activity (a slow VPSie call). The Lease is released at once, before
// the worker's drain (the worker runs beside the manager, not as one of its
// runnables), and the standby takes it in under 5 s (issue 11); the activity
// finishes on the stopping replica (drained, not cancelled), which then exits 0,
// and the standby carries the workflow to its end, once.
func TestHALeaderStoppedWithAnActivityInFlight(t *testing.T) {
	le := chartLeaderElection(t)
	const apiLatency = 15 * time.Second // below the 20 s drain; leaves room for the standby to settle
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay = 0, 20*time.Second
	h := newProcessHarness(t, simCfg)
	c := temporalClient(t, h)
	ctx := context.Background()
	a := h.start(t, "a", le.flags()...)
	leaderID := waitLease(t, h.ns, h.leaseID, time.Minute, "replica a leads", func(o leaseObservation) bool { return o.holder != "" }).holder
	terminationInFlight(t, h, "ha-drain-a")
	if err := h.sim.SetFaults(vpsiesim.Faults{Default: vpsiesim.EndpointFaults{Latency: vpsiesim.Duration(apiLatency)}}); err != nil {
		t.Fatal(err)
	}
	id := contract.TerminateWorkflowID(h.ns, "ha-drain-a")
	inFlightOnA := func() error {
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return err
		}
		for _, p := range d.GetPendingActivities() {
			if p.GetState() == enumspb.PENDING_ACTIVITY_STATE_STARTED && p.GetLastWorkerIdentity() == "a" &&
				time.Since(p.GetLastStartedTime().AsTime()) > time.Second {
				return nil
			}
		}
		return fmt.Errorf("no activity in flight on a: %v", d.GetPendingActivities())
	}
	eventually(t, "a slow GetVPSState running on a", inFlightOnA)
	// The standby, up before the leader stops and polling the held Lease for a while (as in haPair), so the
	// takeover below is a steady standby's, not its first attempt coinciding with the release.
	h.start(t, "b", le.flags()...)
	time.Sleep(2 * le.maxPoll())
	if err := inFlightOnA(); err != nil {
		t.Fatalf("the activity finished before SIGTERM (the standby took long to start): %v", err)
	}

	stopped := time.Now()
	if err := a.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	released := waitLease(t, h.ns, h.leaseID, 45*time.Second, "the leader releases the Lease",
		func(o leaseObservation) bool { return o.holder != leaderID })
	o := released
	if o.holder == "" {
		o = waitLease(t, h.ns, h.leaseID, 10*time.Second, "the standby takes the Lease",
			func(o leaseObservation) bool { return o.holder != "" && o.holder != leaderID })
	}
	_, exitErr := a.WaitExit(time.Hour)
	exited := time.Since(stopped)
	if err := h.sim.SetFaults(vpsiesim.Faults{}); err != nil {
		t.Fatal(err)
	}
	failover := o.acquire.Sub(stopped)
	t.Logf("HA SIGTERM with a %s activity in flight: Lease released %.2fs, standby acquired it %.2fs after SIGTERM; leader exited after %.2fs (%v)",
		apiLatency, released.seen.Sub(stopped).Seconds(), failover.Seconds(), exited.Seconds(), exitErr)
	if exitErr != nil {
		t.Errorf("the leader exited with %v after SIGTERM, want 0", exitErr)
	}
	// Issue 11: released at once, failover under 5 s, whatever the worker still drains. The standby
	// notices a released Lease within maxPoll (2.2 s); the rest of the 5 s is margin for a loaded machine.
	if failover >= 5*time.Second {
		t.Errorf("failover took %s after SIGTERM with an activity in flight, want under 5s", failover)
	}
	terminatedOnce(t, h, c, "ha-drain-a")
	acts := activityIdentities(t, c, id)
	for _, act := range acts {
		if strings.HasSuffix(act, "#1") {
			continue
		}
		t.Errorf("activity %s was retried: the in-flight activity should have finished during the drain; all: %v", act, acts)
	}
	t.Logf("HA SIGTERM with an activity in flight: activities %v", acts)
}
