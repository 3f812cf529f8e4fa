package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

const (
	chaosNodes    = 20
	chaosKills    = 8
	chaosInterval = 4 * time.Second
)

var chaosFlags = []string{"--vpsie.rate-limit-per-minute=6000", "--vpsie.listing-lag=5s"}

// TestTerminationsConvergeWhileTheAutoscalerKeepsCrashing deletes 20 VPSieNodes with
// owned VMs (a quarter of them never recorded, as after a lost create) while the
// autoscaler is SIGKILLed and restarted every 4 s, 8 times, under 20 % 503s, 5 % 429s
// and 5 % lost answers. Every VPSieNode must be released with its VM and Node gone,
// and a foreign VM sharing one of the hostnames must stay.
func TestTerminationsConvergeWhileTheAutoscalerKeepsCrashing(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos test: runs the autoscaler binary for about two minutes")
	}
	simCfg := vpsiesim.DefaultConfig()
	// Deletions take long enough that the crashes hit terminations waiting for their VPS to go.
	simCfg.BootDelay, simCfg.DeleteDelay, simCfg.PageSize = 0, 20*time.Second, 5
	// New VMs are listed only after a lag, as by the real API; the replicas are told the lag
	// (chaosFlags), as an operator would configure it, so a termination without a recorded VPS waits
	// that long before it trusts a listing, rather than the default 20 s on every attempt.
	simCfg.ListingLag = 3 * time.Second
	h := newProcessHarness(t, simCfg)
	ctx := context.Background()
	cluster := config.Default().Controller.ClusterName
	names := make([]string, chaosNodes)
	vms := map[string]string{}
	for i := range names {
		name := fmt.Sprintf("chaos-%02d", i)
		names[i] = name
		memberNode(t, kube.Client, h.ns, "g", name, v1alpha1.PhaseReady, nil)
		var vn v1alpha1.VPSieNode
		if err := kube.Client.Get(ctx, keyOf(h.ns, name), &vn); err != nil {
			t.Fatal(err)
		}
		owner := contract.Owner{Cluster: cluster, Namespace: h.ns, Name: name, UID: string(vn.UID)}
		vm, err := h.api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: name, OfferingID: "std-2c-4g",
			DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: owner.Tags()})
		if err != nil {
			t.Fatal(err)
		}
		vms[name] = vm.Identifier
		recorded := vm.Identifier
		if i%4 == 0 {
			recorded = "" // a create that was never recorded
		}
		setVPSID(t, h.ns, name, recorded)
		registerNode(t, name, "vpsie://"+vm.Identifier, nil)
	}
	foreign, err := h.api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: names[1], OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: []string{"env:prod"}})
	if err != nil {
		t.Fatal(err)
	}

	replica := h.start(t, "r0", chaosFlags...)
	for _, name := range names {
		eventually(t, "finalizer on "+name, func() error { return hasFinalizer(h.ns, name) })
	}
	if err := h.sim.SetFaults(vpsiesim.Faults{Seed: 8, Default: vpsiesim.EndpointFaults{ErrorRate: 0.2, ErrorStatus: 503,
		RateLimitRate: 0.05, RetryAfter: vpsiesim.Duration(time.Second), LostResponseRate: 0.05}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		deleteVPSieNode(t, h.ns, name)
	}
	for i := 1; i <= chaosKills; i++ {
		time.Sleep(chaosInterval)
		replica.Kill(t)
		replica = h.start(t, fmt.Sprintf("r%d", i), chaosFlags...)
	}
	lastRestart := time.Now()
	for _, name := range names {
		// About 1 min idle; 2m48s in a CI run next to the e2e lanes, the first one after 1m53s.
		eventuallyWithin(t, 5*time.Minute, "vpsienode "+name+" released", func() error {
			var vn v1alpha1.VPSieNode
			if err := kube.Client.Get(ctx, keyOf(h.ns, name), &vn); !apierrors.IsNotFound(err) {
				return fmt.Errorf("still there (phase %s, last error %q): %v", vn.Status.Phase, vn.Status.LastError, err)
			}
			return nil
		})
	}
	t.Logf("last release %s after the last restart (target under 60 s)", time.Since(lastRestart).Round(time.Second))

	st := h.sim.Snapshot()
	for _, name := range names {
		for _, vm := range st.VMsByHostname(name) {
			if vm.Identifier != foreign.Identifier {
				t.Errorf("owned vm %s of %s still exists (status %s)", vm.Identifier, name, vm.Status)
			}
		}
		if err := kube.Client.Get(ctx, client.ObjectKey{Name: name}, &corev1.Node{}); !apierrors.IsNotFound(err) {
			t.Errorf("node %s still exists: %v", name, err)
		}
	}
	if got := st.VMsByHostname(names[1]); len(got) != 1 || got[0].Identifier != foreign.Identifier || got[0].Status != "running" {
		t.Errorf("the foreign vm was touched: %+v", got)
	}
	if d := st.Duplicates(); len(d) != 1 || d[0] != names[1] { // the test's own foreign VM
		t.Errorf("creates per hostname above one: %v", d)
	}
	t.Logf("%d api calls in all; %d VM deletes", total(st.CallCounts), st.CallCount(vpsiesim.OpDeleteVM))
}

func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}
