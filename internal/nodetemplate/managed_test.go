package nodetemplate_test

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestManagedTargetComesFromTheGroupOrTheConfig(t *testing.T) {
	seven := int64(7)
	tests := []struct {
		name string
		p    v1alpha1.Provisioning
		want *contract.ManagedTarget
	}{
		{name: "mode vm has none", p: v1alpha1.Provisioning{}},
		{name: "the configured cluster and the group id", p: v1alpha1.Provisioning{Mode: v1alpha1.ProvisioningManagedKubernetes,
			ManagedKubernetes: &v1alpha1.ManagedKubernetes{NodeGroupID: &seven}},
			want: &contract.ManagedTarget{Cluster: "cfg", GroupID: 7}},
		{name: "the group's own cluster and a group name", p: v1alpha1.Provisioning{Mode: v1alpha1.ProvisioningManagedKubernetes,
			ManagedKubernetes: &v1alpha1.ManagedKubernetes{ClusterIdentifier: "own", NodeGroupName: "workers"}},
			want: &contract.ManagedTarget{Cluster: "own", GroupName: "workers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &v1alpha1.NodeGroup{Spec: v1alpha1.NodeGroupSpec{Provisioning: tt.p}}
			got := nodetemplate.Managed(g, "cfg")
			if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
				t.Fatalf("Managed = %+v, want %+v", got, tt.want)
			}
		})
	}
}
