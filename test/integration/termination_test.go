package integration

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
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

func TestDeletingAVPSieNodeTerminatesItsVPSAndNodeBeforeTheObjectGoes(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	sim, api := startSimulator(t)
	ctx := context.Background()
	create := func(hostname string, tags ...string) vpsie.VM {
		t.Helper()
		vm, err := api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: hostname, OfferingID: "std-2c-4g",
			DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: tags})
		if err != nil {
			t.Fatalf("creating vm: %v", err)
		}
		return vm
	}
	// Made before ownership tags: recorded on its VPSieNode, with the VPSieNode's hostname.
	recorded := create("term-recorded", "cluster:it")
	// A VPS that merely shares a VPSieNode's hostname (made by hand, or by another
	// cluster) is not ours: it must survive the VPSieNode's deletion.
	foreign := create("term-foreign", "cluster:someone-else")
	// Another VPS of the account, which a patched status points at.
	database := create("db-primary", "env:prod")
	op := startOperator(t, ns, api)

	memberNode(t, c, ns, "g", "term-recorded", v1alpha1.PhaseReady, nil)
	setVPSID(t, ns, "term-recorded", recorded.Identifier)
	registerNode(t, "term-recorded", "vpsie://"+recorded.Identifier, nil)
	memberNode(t, c, ns, "g", "term-lost", v1alpha1.PhaseProvisioning, nil)
	setVPSID(t, ns, "term-lost", "")
	// A VPS whose create was never recorded on its VPSieNode (crash between create and
	// record): termination must find it by hostname and its tags, written, as a creator
	// does, once the VPSieNode (and so its UID) exists.
	var lost v1alpha1.VPSieNode
	if err := c.Get(ctx, keyOf(ns, "term-lost"), &lost); err != nil {
		t.Fatal(err)
	}
	create("term-lost", contract.Owner{Cluster: config.Default().Controller.ClusterName, Namespace: ns,
		Name: "term-lost", UID: string(lost.UID)}.Tags()...)
	registerNode(t, "term-lost", "", map[string]string{v1alpha1.LabelManaged: "true", v1alpha1.LabelVPSieNode: "term-lost"})
	memberNode(t, c, ns, "g", "term-foreign", v1alpha1.PhaseProvisioning, nil)
	setVPSID(t, ns, "term-foreign", "")
	registerNode(t, "term-foreign", "vpsie://"+foreign.Identifier, nil)
	memberNode(t, c, ns, "g", "term-pointed", v1alpha1.PhaseReady, nil)
	setVPSID(t, ns, "term-pointed", database.Identifier)

	for _, name := range []string{"term-recorded", "term-lost", "term-foreign", "term-pointed"} {
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
	for _, name := range []string{"term-recorded", "term-lost", "term-foreign", "term-pointed"} {
		eventually(t, "vpsienode "+name+" released", func() error {
			var vn v1alpha1.VPSieNode
			if err := c.Get(ctx, keyOf(ns, name), &vn); !apierrors.IsNotFound(err) {
				return fmt.Errorf("still there (phase %s): %v", vn.Status.Phase, err)
			}
			return nil
		})
	}
	for _, name := range []string{"term-recorded", "term-lost"} {
		if vms := sim.Snapshot().VMsByHostname(name); len(vms) != 0 {
			t.Errorf("vps %s still exists after its vpsienode went: %+v", name, vms)
		}
		if err := c.Get(ctx, client.ObjectKey{Name: name}, &corev1.Node{}); !apierrors.IsNotFound(err) {
			t.Errorf("node %s still exists after its vps went: %v", name, err)
		}
	}
	for _, vm := range []vpsie.VM{foreign, database} {
		if vms := sim.Snapshot().VMsByHostname(vm.Hostname); len(vms) != 1 || vms[0].Identifier != vm.Identifier ||
			vms[0].Status == vpsieapi.StatusDeleting {
			t.Errorf("the foreign vps %s was touched: %+v", vm.Hostname, vms)
		}
	}
	if err := c.Get(ctx, client.ObjectKey{Name: "term-foreign"}, &corev1.Node{}); err != nil {
		t.Errorf("the foreign vps's node was deleted: %v", err)
	}
	// Only the test's own hostnames count: the operator also serves NodeGroups that earlier
	// tests of the package left in the shared apiserver (a minNodes group grows again here).
	for host, n := range sim.Snapshot().CreatesByHostname {
		switch host {
		case "term-recorded", "term-lost", "term-foreign", "db-primary":
			if n != 1 {
				t.Errorf("simulator saw %d creates of %s, want only the test's one", n, host)
			}
		default:
			if strings.HasPrefix(host, "term-") {
				t.Errorf("the operator created a VPS %s for a terminated vpsienode", host)
			}
		}
	}
	if deletes := sim.Snapshot().CallCount(vpsiesim.OpDeleteVM); deletes != 2 {
		t.Errorf("simulator saw %d deletes, want the 2 owned vps's", deletes)
	}

	checkTemporalHistory(ctx, t, op.temporal, contract.TerminateWorkflowID(ns, "term-recorded"), "",
		*updateTerminateHistory, terminateHistoryFile)
}

// registerNode creates a Node as a joining machine would.
func registerNode(t *testing.T, name, providerID string, labels map[string]string) {
	t.Helper()
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: corev1.NodeSpec{ProviderID: providerID}}
	if err := kube.Client.Create(context.Background(), n); err != nil {
		t.Fatalf("creating node %s: %v", name, err)
	}
	t.Cleanup(func() { _ = kube.Client.Delete(context.Background(), n) })
}

// Regenerate with: go test ./test/integration -run TestDeletingAVPSieNode -update-terminate-history
var updateTerminateHistory = flag.Bool("update-terminate-history", false,
	"record the TerminateVPSieNode history into workflows/testdata/terminate_history_v1.json")

const terminateHistoryFile = "../../workflows/testdata/terminate_history_v1.json"

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
