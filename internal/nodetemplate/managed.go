package nodetemplate

import (
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Managed is the VPSie managed node group a NodeGroup in provisioning mode
// managedKubernetes scales, nil in mode vm. The cluster is the NodeGroup's own or, when it
// names none, defaultCluster (vpsie.managedClusterIdentifier). The same target goes to
// scale-up and to rebalance's scale-ups, so both modes share one path.
func Managed(g *v1alpha1.NodeGroup, defaultCluster string) *contract.ManagedTarget {
	mk := g.Spec.Provisioning.ManagedKubernetes
	if g.Spec.ProvisioningModeOf() != v1alpha1.ProvisioningManagedKubernetes || mk == nil {
		return nil
	}
	t := &contract.ManagedTarget{Cluster: mk.ClusterIdentifier, GroupName: mk.NodeGroupName}
	if t.Cluster == "" {
		t.Cluster = defaultCluster
	}
	if mk.NodeGroupID != nil {
		t.GroupID = *mk.NodeGroupID
	}
	return t
}
