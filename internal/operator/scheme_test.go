package operator

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// unstructuredGroups are read without typed objects, so the scheme needs none of their kinds.
var unstructuredGroups = []string{"metrics.k8s.io"}

// TestSchemeKnowsEveryKindTheProductUses lists each kind the autoscaler passes to a client, the cache or a
// watch (clusterview, the controllers' watches, the activities, the recorder, leader election).
func TestSchemeKnowsEveryKindTheProductUses(t *testing.T) {
	s := NewScheme()
	for _, obj := range []runtime.Object{
		&corev1.Pod{}, &corev1.PodList{}, &corev1.Node{}, &corev1.NodeList{}, &corev1.Secret{}, &corev1.SecretList{},
		&corev1.ConfigMap{}, &corev1.EventList{}, &corev1.PersistentVolumeClaim{}, &corev1.PersistentVolumeClaimList{},
		&corev1.PersistentVolume{}, &corev1.PersistentVolumeList{}, &appsv1.DaemonSet{}, &appsv1.DaemonSetList{},
		&policyv1.PodDisruptionBudget{}, &policyv1.PodDisruptionBudgetList{}, &policyv1.Eviction{},
		&coordinationv1.Lease{}, &eventsv1.Event{}, &v1alpha1.NodeGroup{}, &v1alpha1.NodeGroupList{},
		&v1alpha1.VPSieNode{}, &v1alpha1.VPSieNodeList{},
	} {
		if _, _, err := s.ObjectKinds(obj); err != nil {
			t.Errorf("%T: %v", obj, err)
		}
	}
}

// TestSchemeHoldsTheRoleGroupsAndNoOther: the RBAC role says what the autoscaler may touch, so a group it is
// granted but the scheme lacks is a kind the clients cannot encode, and a group in the scheme but not in the role
// is memory spent on kinds the autoscaler may not read.
func TestSchemeHoldsTheRoleGroupsAndNoOther(t *testing.T) {
	granted := roleGroups(t)
	s := NewScheme()
	for _, g := range granted {
		if !slices.Contains(unstructuredGroups, g) && !s.IsGroupRegistered(g) {
			t.Errorf("the role grants API group %q but the scheme does not register it", g)
		}
	}
	for _, gv := range s.PreferredVersionAllGroups() {
		if !slices.Contains(granted, gv.Group) {
			t.Errorf("the scheme registers %s, which the role grants nothing of", gv)
		}
	}
}

// roleGroups reads the API groups of every rule in the generated RBAC.
func roleGroups(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "rbac", "role.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var groups []string
	for _, doc := range bytes.Split(raw, []byte("\n---")) {
		var role rbacv1.ClusterRole // a Role has the same rules
		if err := yaml.Unmarshal(doc, &role); err != nil {
			t.Fatal(err)
		}
		for _, r := range role.Rules {
			groups = append(groups, r.APIGroups...)
		}
	}
	if len(groups) == 0 {
		t.Fatal("no API groups read from the role")
	}
	slices.Sort(groups)
	return slices.Compact(groups)
}
