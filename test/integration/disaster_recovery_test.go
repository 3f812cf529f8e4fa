package integration

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/devtemporal"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// The Temporal database is lost while a ScaleUp is between its VPS create and the boot:
// the VPSieNode waits in Provisioning for a workflow that no longer exists, and a VPS
// tagged for a VPSieNode that is gone (a reclaim the loss cut short) bills on. The
// procedure of docs/operations/disaster-recovery.md (a fresh, empty Temporal; restart
// the autoscaler) recovers it: the restart recreates the Schedule gc/<cluster>, whose
// collector deletes the stranded VPSieNode (its termination deletes the VPS) and the
// orphan VPS after the grace. No VPS of the cluster is left without a VPSieNode.
func TestTemporalLossMidScaleUpLeaksNoVPS(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	ctx := context.Background()
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay, simCfg.TickInterval = time.Hour, 300*time.Millisecond, 50*time.Millisecond
	sim, api, _ := startSimulatorWith(t, simCfg)
	createJoinSecret(t, ns)
	cfg := operatorConfig(t, ns)
	cfg.Controller.ClusterName = "dr-" + ns
	cfg.ScaleUp.BootTimeout, cfg.ScaleUp.JoinTimeout, cfg.ScaleUp.ReadyTimeout = 10*time.Second, time.Second, time.Second
	cfg.GC.Enabled, cfg.GC.Interval, cfg.GC.Grace = true, 3*time.Second, 2*time.Second

	first := startDevTemporal(t)
	op := startOperatorOn(t, cfg, api, first.FrontendAddress(), devtemporal.DefaultNamespace)
	gone := contract.Owner{Cluster: cfg.Controller.ClusterName, Namespace: ns, Name: "vn-gone", UID: "uid-gone"}
	if _, err := api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: "vn-gone", OfferingID: "std-2c-4g", DatacenterID: "ams1",
		ImageID: "ubuntu-24.04-x64", Tags: gone.Tags()}); err != nil {
		t.Fatal(err)
	}
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "dr"}, Spec: v1alpha1.NodeGroupSpec{
		MinNodes: 1, MaxNodes: 1, DatacenterID: "ams1", OfferingIDs: []string{"std-2c-4g"},
		OSImageID: "ubuntu-24.04-x64", KubernetesVersion: "v1.36.3"}}
	if err := c.Create(ctx, ng); err != nil {
		t.Fatal(err)
	}
	var stranded v1alpha1.VPSieNode
	eventuallyWithin(t, 30*time.Second, "a vpsienode provisioning its vps", func() error {
		var vns v1alpha1.VPSieNodeList
		if err := c.List(ctx, &vns, client.InNamespace(ns)); err != nil {
			return err
		}
		if len(vns.Items) != 1 || vns.Items[0].Status.VPSID == "" {
			return fmt.Errorf("%d vpsienodes, none with a vps yet", len(vns.Items))
		}
		stranded = vns.Items[0]
		return nil
	})

	// The loss: the server and its database go; the autoscaler restarts against a new, empty one.
	if err := op.stop(); err != nil {
		t.Fatal(err)
	}
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}
	wiped := time.Now()
	second := startDevTemporal(t)
	startOperatorOn(t, cfg, api, second.FrontendAddress(), devtemporal.DefaultNamespace)

	eventuallyWithin(t, 50*time.Second, "the stranded vps and the orphan vps gone", func() error {
		st := sim.Snapshot()
		for _, h := range []string{stranded.Spec.Hostname, "vn-gone"} {
			if live := len(st.VMsByHostname(h)); live != 0 {
				return fmt.Errorf("%s: %d live vps", h, live)
			}
		}
		return nil
	})
	t.Logf("recovered %s after the wipe", time.Since(wiped).Round(time.Second))
	// Whatever runs now belongs to a VPSieNode: nothing of the cluster bills unaccounted.
	var vns v1alpha1.VPSieNodeList
	if err := c.List(ctx, &vns); err != nil {
		t.Fatal(err)
	}
	for _, vm := range sim.Snapshot().VMsWithTag(contract.ClusterTag(cfg.Controller.ClusterName)) {
		if !hasVPSieNode(vns.Items, ns, vm.Hostname) {
			t.Errorf("vps %s (%s) runs without a vpsienode", vm.Identifier, vm.Hostname)
		}
	}
}

func startDevTemporal(t *testing.T) *devtemporal.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := devtemporal.Start(ctx, devtemporal.Options{DBFile: devtemporal.MemoryDB, DisableUI: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), LogLevel: slog.LevelError})
	if err != nil {
		t.Fatalf("starting temporal: %v", err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

func hasVPSieNode(vns []v1alpha1.VPSieNode, ns, hostname string) bool {
	for _, vn := range vns {
		if vn.Namespace == ns && vn.Spec.Hostname == hostname {
			return true
		}
	}
	return false
}
