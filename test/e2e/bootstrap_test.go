//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/bootstraptoken"
)

// Day 100: the token kubeadm init left (or an operator made) is gone, as an expired one would be. A scale-up's node
// still joins, with its own token, which the strict simulator checked against the cluster's bootstrap Secrets, and
// its token Secret is gone once it joined.
func TestANodeJoinsWithItsOwnTokenAfterTheClusterTokenIsGone(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t, "e2e-own-token")
	dayOne := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "bootstrap-token-" + dayOneTokenID}}
	if err := env.kube.Delete(ctx, dayOne); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	g := group(ns, "g", "std-2c-4g")
	g.Spec.MinNodes = 1
	create(t, g)
	start := time.Now()
	env.autoscaler(t, "own-token")
	eventually(t, 60*time.Second, "a Ready node for minNodes", func() error { return readyMembers(ns, "g", 1) })
	t.Logf("joined %s after the NodeGroup", time.Since(start).Round(100*time.Millisecond))
	vn := vpsieNodes(t, ns)[0]
	wantToken := "--token " + bootstraptoken.ID(string(vn.UID)) + "."
	for _, vm := range env.sim.Snapshot().VMs {
		if vm.VM.Hostname == vn.Spec.Hostname && (!strings.Contains(vm.UserData, wantToken) ||
			strings.Contains(vm.UserData, dayOneTokenID+".")) {
			t.Errorf("user data of %s: want its own token %q: %s", vn.Name, wantToken, vm.UserData)
		}
	}
	// The ScaleUp revokes the token after the node is Ready: a few activities later, which take
	// seconds each on a CI machine whose two cores run both e2e shares.
	eventually(t, 60*time.Second, "its token Secret deleted after the join", func() error {
		return tokenGone(ctx, string(vn.UID))
	})
}

// A node whose join fails (its template installs no kubelet: the VM runs, no Node registers) is compensated after
// the join timeout, and its token Secret goes with it.
func TestANodeWhoseJoinFailedLeavesNoToken(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t, "e2e-failed-join")
	create(t, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "no-kubelet",
		Labels: map[string]string{"autoscaler.vpsie.com/user-data-template": "true"}},
		Data: map[string]string{"user-data": "#cloud-config\nruncmd:\n" +
			"  - kubeadm join {{ .APIServerEndpoint }} --token {{ .Token }} --discovery-token-ca-cert-hash {{ .CACertHash }}\n"}})
	g := group(ns, "g", "std-2c-4g")
	g.Spec.MinNodes, g.Spec.UserDataTemplate = 1, "no-kubelet"
	create(t, g)
	env.autoscaler(t, "failed-join", "--scale-up.join-timeout=15s")
	var first v1alpha1.VPSieNode
	// From the autoscaler's start: it takes the Lease (a killed predecessor's expires first),
	// its caches sync and the ScaleUp issues the token.
	eventually(t, 90*time.Second, "the first node's token issued", func() error {
		vns := vpsieNodes(t, ns)
		if len(vns) == 0 {
			return fmt.Errorf("no VPSieNode yet")
		}
		first = vns[0]
		if tokenGone(ctx, string(first.UID)) == nil {
			return fmt.Errorf("no token Secret for %s yet", first.Name)
		}
		return nil
	})
	eventually(t, 2*time.Minute, "the failed node compensated and its token gone", func() error {
		var vn v1alpha1.VPSieNode
		err := env.kube.Get(ctx, client.ObjectKey{Namespace: ns, Name: first.Name}, &vn)
		if err == nil && vn.UID == first.UID {
			return fmt.Errorf("%s still %s", first.Name, vn.Status.Phase)
		}
		return tokenGone(ctx, string(first.UID))
	})
}

// tokenGone is nil when the bootstrap token of the VPSieNode with uid has no Secret.
func tokenGone(ctx context.Context, uid string) error {
	err := env.kube.Get(ctx, client.ObjectKey{Namespace: "kube-system", Name: bootstraptoken.SecretName(uid)}, &corev1.Secret{})
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("token Secret %s exists", bootstraptoken.SecretName(uid))
}
