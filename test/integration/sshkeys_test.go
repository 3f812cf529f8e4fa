package integration

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit/sshkeytest"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// TestScaleUpWaitsForTheSSHKeySecret runs the operator against a real apiserver, Temporal
// server and joining simulator: a NodeGroup whose spec.sshKeySecretRef names a Secret that
// does not exist yet gets the BootstrapConfigValid condition False (SSHKeySecretNotFound)
// and a BootstrapConfigInvalid scale-up verdict, and no VPS; once the Secret exists the
// condition clears and the group grows to minNodes with a VPS that received the spec's and
// the Secret's keys, each once.
func TestScaleUpWaitsForTheSSHKeySecret(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	ctx := context.Background()
	sim, api := startJoiningSimulator(t, ns, 200*time.Millisecond)
	startOperator(t, ns, api)
	alice, bob := sshkeytest.PublicKey(t), sshkeytest.PublicKey(t)
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "keyed"}, Spec: v1alpha1.NodeGroupSpec{
		MinNodes: 1, MaxNodes: 2, DatacenterID: "ams1", OfferingIDs: []string{"std-2c-4g"},
		OSImageID: "ubuntu-24.04-x64", KubernetesVersion: "v1.36.3", SSHPublicKeys: []string{alice + " alice"},
		SSHKeySecretRef: &v1alpha1.SSHKeySecretReference{Name: "ops-keys"}}}
	if err := c.Create(ctx, ng); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cleanUpGroup(t, ns) })

	eventually(t, "the group held back for its missing Secret", func() error {
		if err := groupCondition(ns, "keyed", v1alpha1.ConditionBootstrapConfigValid, metav1.ConditionFalse,
			cloudinit.ReasonSSHKeySecretNotFound); err != nil {
			return err
		}
		if err := groupCondition(ns, "keyed", v1alpha1.ConditionScaleUpBlocked, metav1.ConditionTrue, "BootstrapConfigInvalid"); err != nil {
			return err
		}
		return hasEvent(ns, "keyed", "BootstrapConfigInvalid", "ops-keys")
	})
	// Held, not booted without the keys: a few more passes (resync 2 s) make no VPSieNode and no VPS.
	// (The operator serves the NodeGroups earlier tests left in their namespaces too, so only
	// this group's VPSs count.)
	time.Sleep(3 * time.Second)
	var vns v1alpha1.VPSieNodeList
	if err := c.List(ctx, &vns, client.InNamespace(ns)); err != nil || len(vns.Items) != 0 || len(keyedVMs(sim)) != 0 {
		t.Fatalf("while the Secret is missing: %d VPSieNodes, %d VPSs (%v); want none", len(vns.Items), len(keyedVMs(sim)), err)
	}

	keys := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ops-keys"}, StringData: map[string]string{
		"authorized_keys": "# ops team\n" + bob + " bob\n" + alice + " alice-again\n"}}
	if err := c.Create(ctx, keys); err != nil {
		t.Fatal(err)
	}
	eventuallyWithin(t, 90*time.Second, "a ready node once the Secret exists", func() error { return readyMembers(ns, 1) })
	eventually(t, "the condition cleared", func() error {
		return groupCondition(ns, "keyed", v1alpha1.ConditionBootstrapConfigValid, metav1.ConditionTrue, cloudinit.ReasonBootstrapConfigValid)
	})
	want := []string{alice + " alice", bob + " bob"}
	vms := keyedVMs(sim)
	if len(vms) != 1 || !slices.Equal(vms[0].SSHKeys, want) {
		t.Fatalf("the simulator has %d VPSs; want one that received %q, got %+v", len(vms), want, vms)
	}
}

// keyedVMs are the simulator's VPSs of the group "keyed" (hostnames <cluster>-keyed-<batch>-<n>).
func keyedVMs(sim *vpsiesim.Simulator) []vpsiesim.VMState {
	var out []vpsiesim.VMState
	for _, vm := range sim.Snapshot().VMs {
		if strings.Contains(vm.VM.Hostname, "-keyed-") {
			out = append(out, vm)
		}
	}
	return out
}

// groupCondition checks a NodeGroup's condition of the current generation.
func groupCondition(ns, name, typ string, status metav1.ConditionStatus, reason string) error {
	var ng v1alpha1.NodeGroup
	if err := kube.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &ng); err != nil {
		return err
	}
	c := meta.FindStatusCondition(ng.Status.Conditions, typ)
	if c == nil || c.Status != status || c.Reason != reason || c.ObservedGeneration != ng.Generation {
		return fmt.Errorf("condition %s = %+v, want %s %s", typ, c, status, reason)
	}
	return nil
}
