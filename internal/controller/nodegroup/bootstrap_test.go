package nodegroup

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit/sshkeytest"
)

// The BootstrapConfigValid condition names a missing SSH key Secret or user data template
// with its typed reason, clears once the objects are right, and while it is False the group
// is checked again within seconds (the objects cannot be watched).
func TestBootstrapConditionIsSetAndClearedAsTheObjectsAppear(t *testing.T) {
	c := twoNamespaces(t)
	ctx := context.Background()
	key := types.NamespacedName{Namespace: "team-a", Name: "workers"}
	var ng v1alpha1.NodeGroup
	if err := c.Get(ctx, key, &ng); err != nil {
		t.Fatal(err)
	}
	ng.Spec.SSHKeySecretRef = &v1alpha1.SSHKeySecretReference{Name: "ops-keys"}
	ng.Spec.UserDataTemplate = "bootstrap"
	ng.Spec.OSImageID, ng.Spec.KubernetesVersion = "ubuntu-24.04-x64", "v1.36.3"
	if err := c.Update(ctx, &ng); err != nil {
		t.Fatal(err)
	}
	clk := clocktesting.NewFakeClock(t0.Time)
	ctrl := NewController(c, clk, nil).CheckBootstrapWith(c)
	step := func(wantStatus metav1.ConditionStatus, wantReason string, wantRequeue time.Duration) {
		t.Helper()
		clk.Step(bootstrapReuse) // the last check's answer is reused for bootstrapReuse
		res, err := ctrl.Reconcile(ctx, reconcile.Request{NamespacedName: key})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Get(ctx, key, &ng); err != nil {
			t.Fatal(err)
		}
		cond := meta.FindStatusCondition(ng.Status.Conditions, v1alpha1.ConditionBootstrapConfigValid)
		if cond == nil || cond.Status != wantStatus || cond.Reason != wantReason || cond.ObservedGeneration != ng.Generation {
			t.Fatalf("BootstrapConfigValid = %+v, want %s %s", cond, wantStatus, wantReason)
		}
		if res.RequeueAfter != wantRequeue {
			t.Fatalf("requeue after %s, want %s", res.RequeueAfter, wantRequeue)
		}
	}
	step(metav1.ConditionFalse, cloudinit.ReasonUserDataTemplateNotFound, bootstrapRecheckInvalid)

	// Reconciles in a burst (every VPSieNode and Node change) reuse the check: no read.
	var reads int
	ctrl.bootstrap = interceptor.NewClient(c.(client.WithWatch), interceptor.Funcs{Get: func(ctx context.Context, cl client.WithWatch,
		key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		reads++
		return cl.Get(ctx, key, obj, opts...)
	}})
	for range 3 {
		if _, err := ctrl.Reconcile(ctx, reconcile.Request{NamespacedName: key}); err != nil {
			t.Fatal(err)
		}
	}
	if reads != 0 {
		t.Fatalf("%d reads of the template within %s of the last check, want none", reads, bootstrapReuse)
	}

	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "bootstrap"},
		Data: map[string]string{cloudinit.KeyTemplate: "#cloud-config\nhostname: {{ .NodeName }}\n"}}
	if err := c.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	step(metav1.ConditionFalse, cloudinit.ReasonUserDataTemplateNotLabelled, bootstrapRecheckInvalid)

	cm.Labels = map[string]string{cloudinit.LabelTemplate: "true"}
	if err := c.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	step(metav1.ConditionFalse, cloudinit.ReasonSSHKeySecretNotFound, bootstrapRecheckInvalid)

	keys := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "ops-keys"},
		Data: map[string][]byte{"authorized_keys": []byte(sshkeytest.PublicKey(t) + " ops\n")}}
	if err := c.Create(ctx, keys); err != nil {
		t.Fatal(err)
	}
	step(metav1.ConditionTrue, cloudinit.ReasonBootstrapConfigValid, bootstrapRecheck)
}

// A controller that checks no bootstrap configuration writes no condition and keeps its resync.
func TestNoBootstrapConditionWithoutAReader(t *testing.T) {
	c := twoNamespaces(t)
	key := types.NamespacedName{Namespace: "team-a", Name: "workers"}
	res, err := NewController(c, clocktesting.NewFakeClock(t0.Time), nil).Reconcile(context.Background(), reconcile.Request{NamespacedName: key})
	if err != nil {
		t.Fatal(err)
	}
	var ng v1alpha1.NodeGroup
	if err := c.Get(context.Background(), key, &ng); err != nil {
		t.Fatal(err)
	}
	if meta.FindStatusCondition(ng.Status.Conditions, v1alpha1.ConditionBootstrapConfigValid) != nil || res.RequeueAfter != resyncAfter {
		t.Fatalf("conditions %+v, requeue %s", ng.Status.Conditions, res.RequeueAfter)
	}
}
