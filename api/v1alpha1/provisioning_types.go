package v1alpha1

// ProvisioningMode is how a NodeGroup gets its machines.
// +kubebuilder:validation:Enum=vm;managedKubernetes
type ProvisioningMode string

// The provisioning modes.
const (
	// ProvisioningVM creates plain VPSie VMs that join a self-managed cluster with
	// cloud-init (the default).
	ProvisioningVM ProvisioningMode = "vm"
	// ProvisioningManagedKubernetes adds workers to a node group of a VPSie managed
	// Kubernetes cluster; VPSie boots and joins them and chooses their hostnames.
	ProvisioningManagedKubernetes ProvisioningMode = "managedKubernetes"
)

// Provisioning says how a NodeGroup's nodes are made.
//
// +kubebuilder:validation:XValidation:rule="!has(self.mode) || self.mode != 'managedKubernetes' || (has(self.managedKubernetes) && (has(self.managedKubernetes.nodeGroupID) || has(self.managedKubernetes.nodeGroupName)))",message="mode managedKubernetes needs managedKubernetes.nodeGroupID or managedKubernetes.nodeGroupName"
// +kubebuilder:validation:XValidation:rule="(has(self.mode) && self.mode == 'managedKubernetes') || !has(self.managedKubernetes)",message="managedKubernetes is only allowed with mode managedKubernetes"
type Provisioning struct {
	// Mode is vm (create VPSie VMs that join with cloud-init) or managedKubernetes
	// (add workers to a VPSie managed Kubernetes node group).
	// +kubebuilder:default=vm
	// +optional
	Mode ProvisioningMode `json:"mode,omitempty"`

	// ManagedKubernetes names the VPSie managed node group; required in mode
	// managedKubernetes, forbidden otherwise.
	// +optional
	ManagedKubernetes *ManagedKubernetes `json:"managedKubernetes,omitempty"`
}

// ManagedKubernetes is the VPSie managed-Kubernetes node group that backs a NodeGroup.
type ManagedKubernetes struct {
	// ClusterIdentifier is the VPSie cluster's UUID; empty uses the autoscaler's
	// configured cluster (vpsie.managedClusterIdentifier).
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9][A-Za-z0-9-]*$`
	// +optional
	ClusterIdentifier string `json:"clusterIdentifier,omitempty"`

	// NodeGroupID is the VPSie node group's numeric id (the id workers are added to).
	// +kubebuilder:validation:Minimum=1
	// +optional
	NodeGroupID *int64 `json:"nodeGroupID,omitempty"`

	// NodeGroupName is the VPSie node group's group_name, resolved to its id by
	// listing the cluster's node groups when NodeGroupID is not set.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +optional
	NodeGroupName string `json:"nodeGroupName,omitempty"`
}

// ProvisioningModeOf is the group's mode, vm when unset.
func (s NodeGroupSpec) ProvisioningModeOf() ProvisioningMode {
	if s.Provisioning.Mode == "" {
		return ProvisioningVM
	}
	return s.Provisioning.Mode
}
