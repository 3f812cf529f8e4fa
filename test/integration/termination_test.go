package integration

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim/simtest"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// startSimulator serves a VPSie simulator over real HTTP on loopback and
// returns it with a client configured as the autoscaler configures its own.
func startSimulator(t *testing.T) (*vpsiesim.Simulator, *vpsie.Client) {
	t.Helper()
	cfg := vpsiesim.DefaultConfig()
	cfg.BootDelay, cfg.DeleteDelay, cfg.TickInterval = 200*time.Millisecond, 500*time.Millisecond, 50*time.Millisecond
	sim, api, _ := startSimulatorWith(t, cfg)
	return sim, api
}

// startSimulatorWith is startSimulator with the caller's config; it also
// returns the shape-A base URL the autoscaler is configured with.
func startSimulatorWith(t *testing.T, cfg vpsiesim.Config) (*vpsiesim.Simulator, *vpsie.Client, string) {
	t.Helper()
	s := simtest.Start(t, cfg)
	return s.Sim, s.API, s.BaseURL
}

func TestDeletingAVPSieNodeTerminatesItsVPSBeforeTheObjectGoes(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	sim, api := startSimulator(t)
	ctx := context.Background()

	recorded, err := api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: "term-recorded", OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: []string{"cluster:it"}})
	if err != nil {
		t.Fatalf("creating vm: %v", err)
	}
	// A VPS that merely shares a VPSieNode's hostname (made by hand, or by
	// another cluster) is not ours: it must survive the VPSieNode's deletion.
	foreign, err := api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: "term-foreign", OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: []string{"cluster:someone-else"}})
	if err != nil {
		t.Fatalf("creating vm: %v", err)
	}
	op := startOperator(t, ns, api)

	memberNode(t, c, ns, "g", "term-recorded", v1alpha1.PhaseReady, nil)
	setVPSID(t, ns, "term-recorded", recorded.Identifier)
	memberNode(t, c, ns, "g", "term-lost", v1alpha1.PhaseProvisioning, nil)
	setVPSID(t, ns, "term-lost", "")
	// A VPS whose create was never recorded on its VPSieNode (crash between
	// create and record): termination must find it by hostname and its tags,
	// written, as a creator does, once the VPSieNode (and so its UID) exists.
	var lost v1alpha1.VPSieNode
	if err := c.Get(ctx, keyOf(ns, "term-lost"), &lost); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: "term-lost", OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64",
		Tags: contract.Owner{Cluster: config.Default().Controller.ClusterName, Namespace: ns, Name: "term-lost",
			UID: string(lost.UID)}.Tags()}); err != nil {
		t.Fatalf("creating vm: %v", err)
	}
	memberNode(t, c, ns, "g", "term-foreign", v1alpha1.PhaseProvisioning, nil)
	setVPSID(t, ns, "term-foreign", "")

	for _, name := range []string{"term-recorded", "term-lost", "term-foreign"} {
		eventually(t, "finalizer added to "+name, func() error { return hasFinalizer(ns, name) })
		deleteVPSieNode(t, ns, name)
		// While the VPS still exists the object must stay.
		if len(sim.Snapshot().VMsByHostname(name)) == 1 {
			var vn v1alpha1.VPSieNode
			if err := c.Get(ctx, keyOf(ns, name), &vn); err != nil {
				t.Fatalf("vpsienode %s went before its vps: %v", name, err)
			}
		}
	}
	for _, name := range []string{"term-recorded", "term-lost"} {
		eventually(t, "vpsienode "+name+" gone", func() error {
			var vn v1alpha1.VPSieNode
			err := c.Get(ctx, keyOf(ns, name), &vn)
			if apierrors.IsNotFound(err) {
				return nil
			}
			return fmt.Errorf("still there (phase %s): %v", vn.Status.Phase, err)
		})
		if vms := sim.Snapshot().VMsByHostname(name); len(vms) != 0 {
			t.Errorf("vps %s still exists after its vpsienode went: %+v", name, vms)
		}
	}
	eventually(t, "vpsienode term-foreign released", func() error {
		var vn v1alpha1.VPSieNode
		if err := c.Get(ctx, keyOf(ns, "term-foreign"), &vn); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there (phase %s): %v", vn.Status.Phase, err)
		}
		return nil
	})
	if vms := sim.Snapshot().VMsByHostname("term-foreign"); len(vms) != 1 || vms[0].Identifier != foreign.Identifier ||
		vms[0].Status == vpsieapi.StatusDeleting {
		t.Errorf("the foreign vps with a vpsienode's hostname was touched: %+v", vms)
	}
	if creates := sim.Snapshot().CallCount(vpsiesim.OpCreateVM); creates != 3 {
		t.Errorf("simulator saw %d creates, want only the test's 3", creates)
	}

	checkTemporalHistory(ctx, t, op.temporal, contract.TerminateWorkflowID(ns, "term-recorded"), "",
		*updateTerminateHistory, terminateHistoryFile)
}

// Regenerate with: go test ./test/integration -run TestDeletingAVPSieNode -update-terminate-history
var updateTerminateHistory = flag.Bool("update-terminate-history", false,
	"record the TerminateVPSieNode history into workflows/testdata/terminate_history_v3.json")

const terminateHistoryFile = "../../workflows/testdata/terminate_history_v3.json"

func setVPSID(t *testing.T, ns, name, id string) {
	t.Helper()
	updateVPSieNodeStatus(t, ns, name, func(st *v1alpha1.VPSieNodeStatus) { st.VPSID = id })
}

func hasFinalizer(ns, name string) error {
	var vn v1alpha1.VPSieNode
	if err := kube.Client.Get(context.Background(), keyOf(ns, name), &vn); err != nil {
		return err
	}
	if !controllerutil.ContainsFinalizer(&vn, v1alpha1.FinalizerVPSTermination) {
		return fmt.Errorf("no finalizer on %s", name)
	}
	return nil
}

func deleteVPSieNode(t *testing.T, ns, name string) {
	t.Helper()
	vn := &v1alpha1.VPSieNode{}
	vn.Namespace, vn.Name = ns, name
	if err := kube.Client.Delete(context.Background(), vn); err != nil {
		t.Fatalf("deleting vpsienode %s: %v", name, err)
	}
}
