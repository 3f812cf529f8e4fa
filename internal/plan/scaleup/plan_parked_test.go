package scaleup

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// A group parked at maxNodes 0, being deleted, or whose bootstrap configuration is invalid
// buys nothing, and a pending pod only it could take is told why with a reason of its own.
func TestAParkedOrDeletedGroupRefusesScaleUpWithItsReason(t *testing.T) {
	deleted := func(ng *v1alpha1.NodeGroup) *v1alpha1.NodeGroup {
		ng.DeletionTimestamp = &metav1.Time{Time: now}
		return ng
	}
	for _, tt := range []struct {
		name      string
		ng        *v1alpha1.NodeGroup
		want      string
		bootstrap string
	}{
		{"maxNodes 0 parks the group", withGroup("g", func(s *v1alpha1.NodeGroupSpec) { s.MinNodes, s.MaxNodes = 0, 0 }, "small"), "GroupParked", ""},
		{"a deleted group grows no more, not even to minNodes", deleted(withGroup("g", func(s *v1alpha1.NodeGroupSpec) { s.MinNodes = 2 }, "small")),
			"NodeGroupDeleting", ""},
		{"a group whose SSH key Secret is missing grows no more, not even to minNodes",
			withGroup("g", func(s *v1alpha1.NodeGroupSpec) { s.MinNodes = 2 }, "small"), "BootstrapConfigInvalid",
			"SSHKeySecretNotFound: SSH key Secret ns/keys (spec.sshKeySecretRef) not found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{tt.ng}, Pending: ptrs(replicas("web", 1, "1", "1Gi")),
				Offerings: []Offering{offer("small", 2, 4, 10)}}
			if tt.bootstrap != "" {
				s.Groups = map[types.NamespacedName]GroupState{{Namespace: tt.ng.Namespace, Name: tt.ng.Name}: {BootstrapInvalid: tt.bootstrap}}
			}
			r := Plan(s, DefaultOptions())
			if len(r.Intents) != 0 {
				t.Fatalf("intents %+v", placements(r))
			}
			v, ok := verdict(r, "web-0", "g")
			if !ok || v.Reason.String() != tt.want || !strings.Contains(v.Message, tt.bootstrap) {
				t.Fatalf("verdict %+v (found %v), want %s", v, ok, tt.want)
			}
		})
	}
}
