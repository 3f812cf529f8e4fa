package scaleup

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit/sshkeytest"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Every pass checks each group's bootstrap configuration afresh: a group whose SSH key
// Secret is missing is held back with the typed reason, and grows again once it exists, even
// while its (stale) condition still says otherwise.
func TestObserveHoldsAGroupWhoseKeySecretIsMissing(t *testing.T) {
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "pool"}, Spec: v1alpha1.NodeGroupSpec{
		MaxNodes: 3, OSImageID: "ubuntu-24.04-x64", KubernetesVersion: "v1.36.3",
		SSHKeySecretRef: &v1alpha1.SSHKeySecretReference{Name: "ops-keys"}}}
	ng.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionBootstrapConfigValid, Status: metav1.ConditionFalse,
		Reason: "SSHKeySecretNotFound", Message: "stale"}}
	p, kube := observingProvisioner(ng)
	p.SetBootstrapReader(kube)
	invalid := func() string {
		t.Helper()
		s, err := p.observe(context.Background(), contract.Catalogue{})
		if err != nil {
			t.Fatal(err)
		}
		return s.Groups[ng.Key()].BootstrapInvalid
	}
	if got := invalid(); !strings.HasPrefix(got, "SSHKeySecretNotFound: SSH key Secret team-a/ops-keys") {
		t.Fatalf("BootstrapInvalid = %q, want the missing Secret", got)
	}
	keys := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "ops-keys"},
		Data: map[string][]byte{"authorized_keys": []byte(sshkeytest.PublicKey(t))}}
	if err := kube.Create(context.Background(), keys); err != nil {
		t.Fatal(err)
	}
	if got := invalid(); got != "" {
		t.Fatalf("BootstrapInvalid = %q once the Secret exists, want none", got)
	}
}
