package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
)

// NodeGroupSpec is the user's intent for a group of identical VPSie nodes.
//
// +kubebuilder:validation:XValidation:rule="self.minNodes <= self.maxNodes",message="minNodes must be less than or equal to maxNodes"
// +kubebuilder:validation:XValidation:rule="!has(self.userDataTemplate) || !has(self.cloudInitTemplate)",message="set at most one of userDataTemplate and cloudInitTemplate"
// +kubebuilder:validation:XValidation:rule="has(self.datacenterID) || (has(self.datacenters) && size(self.datacenters) > 0)",message="one of datacenterID or datacenters is required"
// +kubebuilder:validation:XValidation:rule="!has(self.preferredInstanceType) || self.preferredInstanceType in self.offeringIDs",message="preferredInstanceType must be one of offeringIDs"
// +kubebuilder:validation:XValidation:rule="!has(self.scaleUpPolicy) || !has(self.scaleUpPolicy.forceDrain)",message="scaleUpPolicy.forceDrain is not allowed: forceDrain applies to scaleDownPolicy only"
type NodeGroupSpec struct {
	// MinNodes is the fewest nodes the group keeps, even when idle.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000
	MinNodes int32 `json:"minNodes"`

	// MaxNodes is the most nodes the group may ever have. Zero parks the group: scale-down
	// drains every node it has and scale-up adds none (minNodes must then be 0 too).
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000
	MaxNodes int32 `json:"maxNodes"`

	// DatacenterID is the VPSie datacenter new nodes are created in.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9][A-Za-z0-9._-]*$`
	// +optional
	DatacenterID string `json:"datacenterID,omitempty"`

	// Datacenters spreads the group over several datacenters. Reserved for
	// multi-datacenter placement; when empty, DatacenterID is used.
	// +kubebuilder:validation:MaxItems=16
	// +listType=map
	// +listMapKey=id
	// +optional
	Datacenters []DatacenterPlacement `json:"datacenters,omitempty"`

	// OfferingIDs are the VPSie offerings (plans) nodes may be created from.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=64
	// +listType=set
	OfferingIDs []string `json:"offeringIDs"`

	// PreferredInstanceType is the offering tried first; it must be listed in
	// OfferingIDs.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	PreferredInstanceType string `json:"preferredInstanceType,omitempty"`

	// OSImageID is the VPSie image new nodes boot from.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	OSImageID string `json:"osImageID"`

	// KubernetesVersion is the kubelet version nodes join with, e.g. v1.36.3.
	// +kubebuilder:validation:Pattern=`^v?[0-9]+\.[0-9]+\.[0-9]+$`
	KubernetesVersion string `json:"kubernetesVersion"`

	// Labels are added to every Node of the group.
	// +kubebuilder:validation:MaxProperties=64
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// Taints are added to every Node of the group.
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:XValidation:rule="self.all(t, t.effect in ['NoSchedule', 'PreferNoSchedule', 'NoExecute'])",message="taint effect must be NoSchedule, PreferNoSchedule or NoExecute"
	// +optional
	Taints []corev1.Taint `json:"taints,omitempty"`

	// ScaleUpPolicy controls when the group grows.
	// +kubebuilder:default={}
	// +optional
	ScaleUpPolicy ScalingPolicy `json:"scaleUpPolicy,omitempty"`

	// ScaleDownPolicy controls when the group shrinks.
	// +kubebuilder:default={}
	// +optional
	ScaleDownPolicy ScalingPolicy `json:"scaleDownPolicy,omitempty"`

	// RebalancePolicy controls replacing nodes with cheaper or newer offerings.
	// +kubebuilder:default={}
	// +optional
	RebalancePolicy RebalancePolicy `json:"rebalancePolicy,omitempty"`

	// UserDataTemplate names a ConfigMap in the NodeGroup's namespace, labelled
	// autoscaler.vpsie.com/user-data-template: "true", whose key "user-data" is a Go
	// text/template for new nodes' cloud-init (the variables:
	// docs/configuration/cloud-init.md). Empty, and no cloudInitTemplate, uses the
	// default: install containerd and the group's kubelet, kubeadm and kubectl, then
	// kubeadm join.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	// +optional
	UserDataTemplate string `json:"userDataTemplate,omitempty"`

	// CloudInitTemplate is the group's cloud-init template inline (a Go text/template,
	// variables as for userDataTemplate); at most one of the two.
	// +kubebuilder:validation:MaxLength=32768
	// +optional
	CloudInitTemplate string `json:"cloudInitTemplate,omitempty"`

	// SSHKeyIDs are VPSie SSH key identifiers (registered in the account) every new
	// node gets, merged with the config's scaleUp.defaultSSHKeyIDs, duplicates dropped.
	// +kubebuilder:validation:MaxItems=32
	// +optional
	SSHKeyIDs []string `json:"sshKeyIDs,omitempty"`

	// SSHPublicKeys are OpenSSH public keys ("ssh-ed25519 AAAA... comment") every new
	// node gets, duplicates dropped.
	// +kubebuilder:validation:MaxItems=32
	// +optional
	SSHPublicKeys []string `json:"sshPublicKeys,omitempty"`

	// SSHKeySecretRef names a Secret in the NodeGroup's namespace whose data values are
	// OpenSSH public keys in authorized_keys form (one a line, "#" comments and blank
	// lines skipped, no options); every new node gets them too, merged with sshPublicKeys,
	// each key once. The Secret is read when a node is created; while it is missing or
	// holds no valid key the group's BootstrapConfigValid condition is False and
	// scale-up adds no node to it (BootstrapConfigInvalid).
	// +optional
	SSHKeySecretRef *SSHKeySecretReference `json:"sshKeySecretRef,omitempty"`

	// CloudInitVariables are the group's own template variables, {{ .Variables.<key> }}
	// in a template. They enter workflow histories: no secrets.
	// +kubebuilder:validation:MaxProperties=64
	// +optional
	CloudInitVariables map[string]string `json:"cloudInitVariables,omitempty"`

	// Provisioning says how nodes are made: VPSie VMs (default) or workers of a
	// VPSie managed Kubernetes node group.
	// +kubebuilder:default={}
	// +optional
	Provisioning Provisioning `json:"provisioning,omitempty"`

	// Tags are added to every VPS of the group, after the autoscaler's own
	// tags (cluster, vpsienode, uid). They may not start with the autoscaler's
	// reserved prefix "vpsie-autoscaler:", which proves ownership.
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:XValidation:rule="self.all(t, !t.startsWith('vpsie-autoscaler:'))",message="tags must not start with the reserved prefix 'vpsie-autoscaler:' (the autoscaler's ownership tags)"
	// +kubebuilder:validation:items:Pattern=`^[A-Za-z0-9][A-Za-z0-9:._=-]{0,62}$`
	// +listType=set
	// +optional
	Tags []string `json:"tags,omitempty"`
}

// SSHKeySecretReference names a Secret of public keys in the NodeGroup's namespace.
type SSHKeySecretReference struct {
	// Name is the Secret's name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	Name string `json:"name"`

	// Keys are the Secret's data keys to read, in order; empty reads every key. A key
	// named here that the Secret lacks makes the configuration invalid.
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=253
	// +kubebuilder:validation:items:Pattern=`^[-._a-zA-Z0-9]+$`
	// +listType=set
	// +optional
	Keys []string `json:"keys,omitempty"`
}

// DatacenterPlacement weights one datacenter of a multi-datacenter group.
type DatacenterPlacement struct {
	// ID is the VPSie datacenter identifier.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	ID string `json:"id"`

	// Weight is the share of new nodes placed here, relative to the others.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=1
	// +optional
	Weight int32 `json:"weight,omitempty"`

	// Priority orders datacenters on failover; lower is tried first.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +optional
	Priority int32 `json:"priority,omitempty"`

	// MinNodes is kept in this datacenter.
	// +kubebuilder:validation:Minimum=0
	// +optional
	MinNodes int32 `json:"minNodes,omitempty"`

	// MaxNodes caps this datacenter; zero means no cap beyond the group's.
	// +kubebuilder:validation:Minimum=0
	// +optional
	MaxNodes int32 `json:"maxNodes,omitempty"`
}

// ScalingPolicy is shared by scale-up and scale-down: the same knobs, read in
// opposite directions.
type ScalingPolicy struct {
	// Enabled turns this direction of scaling on.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// CPUThresholdPercent is the CPU utilisation that triggers scaling.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +optional
	CPUThresholdPercent int32 `json:"cpuThresholdPercent,omitempty"`

	// MemoryThresholdPercent is the memory utilisation that triggers scaling.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +optional
	MemoryThresholdPercent int32 `json:"memoryThresholdPercent,omitempty"`

	// StabilizationWindowSeconds is how long the trigger must hold.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=86400
	// +optional
	StabilizationWindowSeconds int32 `json:"stabilizationWindowSeconds,omitempty"`

	// CooldownSeconds is the pause after a scaling action in this direction.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=86400
	// +optional
	CooldownSeconds int32 `json:"cooldownSeconds,omitempty"`

	// ForceDrain (scaleDownPolicy only) lets a drain of this group's nodes (scale-down and
	// rebalance) go on when the node fails a safety check at drain time (a pod annotated
	// do-not-disrupt or safe-to-evict=false, without a controller, on local storage, or in
	// kube-system without a PodDisruptionBudget, or the node annotated protected since the
	// plan), and deletes the node even when pods are left at the drain timeout. Without it
	// such a drain is refused: the node is uncordoned and its drain-reason annotation says
	// why. The planners still never choose such a node; this only covers what changed
	// between the plan and the drain.
	// +optional
	ForceDrain bool `json:"forceDrain,omitempty"`
}

// IsEnabled reports whether the policy is on; unset means on.
func (p ScalingPolicy) IsEnabled() bool { return p.Enabled == nil || *p.Enabled }

// RebalanceStrategy names how nodes are replaced during a rebalance.
// +kubebuilder:validation:Enum=rolling;surge;blueGreen
type RebalanceStrategy string

// The rebalance strategies.
const (
	RebalanceRolling   RebalanceStrategy = "rolling"
	RebalanceSurge     RebalanceStrategy = "surge"
	RebalanceBlueGreen RebalanceStrategy = "blueGreen"
)

// RebalancePolicy controls replacing nodes with cheaper or newer offerings.
type RebalancePolicy struct {
	// Enabled turns rebalancing on; off by default because it disrupts pods.
	// +optional
	Enabled bool `json:"enabled,omitempty"`

	// Strategy is how replacements are rolled out.
	// +kubebuilder:default=rolling
	// +optional
	Strategy RebalanceStrategy `json:"strategy,omitempty"`

	// MaxSurge is how many extra nodes may exist during a rebalance.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=1
	// +optional
	MaxSurge int32 `json:"maxSurge,omitempty"`

	// MaxUnavailable is how many nodes may be unavailable during a rebalance.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +optional
	MaxUnavailable int32 `json:"maxUnavailable,omitempty"`

	// SavingsThresholdPercent is how much cheaper per month, in percent of the
	// node's current price, a replacement must be before a node is replaced for
	// cost alone (drifted nodes are replaced whatever the saving).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=15
	// +optional
	SavingsThresholdPercent int32 `json:"savingsThresholdPercent,omitempty"`

	// CooldownSeconds is the pause after a rebalance before the next one may
	// start; unset means one hour, 0 no pause.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=604800
	// +kubebuilder:default=3600
	// +optional
	CooldownSeconds *int32 `json:"cooldownSeconds,omitempty"`

	// MinHealthyPercent is the share of the group's nodes that must be Ready
	// before a rebalance starts; unset means 75, 0 no check.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +kubebuilder:default=75
	// +optional
	MinHealthyPercent *int32 `json:"minHealthyPercent,omitempty"`

	// MaintenanceWindows limit when rebalancing may start; empty means any time.
	// +kubebuilder:validation:MaxItems=16
	// +optional
	MaintenanceWindows []MaintenanceWindow `json:"maintenanceWindows,omitempty"`
}

// Weekday is a day of the week in a maintenance window.
// +kubebuilder:validation:Enum=Mon;Tue;Wed;Thu;Fri;Sat;Sun
type Weekday string

// MaintenanceWindow is a weekly time range.
type MaintenanceWindow struct {
	// Days the window opens on; empty means every day.
	// +kubebuilder:validation:MaxItems=7
	// +listType=set
	// +optional
	Days []Weekday `json:"days,omitempty"`

	// Start is the local time the window opens, as HH:MM.
	// +kubebuilder:validation:Pattern=`^([01][0-9]|2[0-3]):[0-5][0-9]$`
	Start string `json:"start"`

	// DurationMinutes is how long the window stays open.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1440
	DurationMinutes int32 `json:"durationMinutes"`

	// TimeZone is an IANA zone name such as Europe/Berlin; default UTC.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	TimeZone string `json:"timeZone,omitempty"`
}
