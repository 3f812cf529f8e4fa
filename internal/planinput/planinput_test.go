package planinput_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/planinput"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func view(t *testing.T, objs ...client.Object) *clusterview.View {
	t.Helper()
	c := fake.NewClientBuilder().WithScheme(testenv.NewScheme()).WithObjects(objs...).Build()
	v, err := clusterview.Read(context.Background(), c, clusterview.Options{Clock: clocktesting.NewFakePassiveClock(now), PDBs: true, Volumes: true, DaemonSets: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func group(name string, edit func(*v1alpha1.NodeGroup)) *v1alpha1.NodeGroup {
	g := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
		Spec: v1alpha1.NodeGroupSpec{MinNodes: 0, MaxNodes: 3, OfferingIDs: []string{"o"}}}
	edit(g)
	return g
}

func TestScaleUpGroupStateComesFromSpecAndStatus(t *testing.T) {
	no := false
	recent := metav1.NewTime(now.Add(-30 * time.Second))
	tests := []struct {
		name string
		g    *v1alpha1.NodeGroup
		want bool // in cooldown
		off  bool // disabled
	}{
		{name: "plain", g: group("a", func(*v1alpha1.NodeGroup) {})},
		{name: "cooling down after a recent scale-up", g: group("b", func(g *v1alpha1.NodeGroup) {
			g.Spec.ScaleUpPolicy.CooldownSeconds, g.Status.LastScaleUpTime = 60, &recent
		}), want: true},
		{name: "cooldown over", g: group("c", func(g *v1alpha1.NodeGroup) {
			g.Spec.ScaleUpPolicy.CooldownSeconds, g.Status.LastScaleUpTime = 20, &recent
		})},
		{name: "disabled", g: group("d", func(g *v1alpha1.NodeGroup) { g.Spec.ScaleUpPolicy.Enabled = &no }), off: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := planinput.ScaleUp(view(t, tt.g), contract.Catalogue{Offerings: []contract.Offering{{ID: "o", CPU: 2, RAMMB: 4096, MonthlyPrice: 12}}})
			st := s.Groups[tt.g.Key()]
			if st.InCooldown != tt.want || st.ScaleUpDisabled != tt.off {
				t.Errorf("state %+v, want cooldown %v disabled %v", st, tt.want, tt.off)
			}
			if len(s.Offerings) != 1 || s.Offerings[0].CPUMilli != 2000 || s.Offerings[0].MonthlyPrice != 12 {
				t.Errorf("offerings %+v", s.Offerings)
			}
		})
	}
}

func TestManagedNodesAndPoliciesFollowTheMembershipRule(t *testing.T) {
	g := group("g", func(g *v1alpha1.NodeGroup) { g.Spec.ScaleDownPolicy.CPUThresholdPercent = 40 })
	managed := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "m", Labels: map[string]string{v1alpha1.LabelManaged: "true"}}}
	unlabelled := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "u"}}
	vn := func(name, host string) *v1alpha1.VPSieNode {
		return &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
			Spec:   v1alpha1.VPSieNodeSpec{NodeGroup: "g", Hostname: host},
			Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseReady, NodeName: host}}
	}
	v := view(t, g, managed, unlabelled, vn("vm", "m"), vn("vu", "u"))
	got := planinput.ManagedNodes(v)
	if len(got) != 1 || got[0] != (planinput.Member{Node: "m", Group: types.NamespacedName{Namespace: "ns", Name: "g"}}) {
		t.Errorf("managed nodes %v, want only m of ns/g (u lacks the managed label)", got)
	}
	if p := planinput.Policies(v); len(p) != 1 || p["m"].CPUPercent != 40 {
		t.Errorf("policies %+v", p)
	}
	if n := planinput.Nodes(v); len(n) != 2 {
		t.Errorf("nodes %d, want 2", len(n))
	}
}

// The kubectl plugin has no reader of ConfigMaps and Secrets: a group's BootstrapConfigValid
// condition of its current generation holds it back, as the provisioner's own check does.
func TestScaleUpGroupIsHeldByAFalseBootstrapCondition(t *testing.T) {
	for _, tt := range []struct {
		name       string
		status     metav1.ConditionStatus
		generation int64
		want       string
	}{
		{name: "false for this generation", status: metav1.ConditionFalse, generation: 2, want: "SSHKeySecretNotFound: gone"},
		{name: "false for an older spec", status: metav1.ConditionFalse, generation: 1},
		{name: "true", status: metav1.ConditionTrue, generation: 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := group("a", func(g *v1alpha1.NodeGroup) {
				g.Generation = 2
				g.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionBootstrapConfigValid, Status: tt.status,
					Reason: "SSHKeySecretNotFound", Message: "gone", ObservedGeneration: tt.generation}}
			})
			if got := planinput.ScaleUpGroup(g, 0, now).BootstrapInvalid; got != tt.want {
				t.Fatalf("BootstrapInvalid = %q, want %q", got, tt.want)
			}
		})
	}
}
