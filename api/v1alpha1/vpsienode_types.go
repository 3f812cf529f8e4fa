package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// VPSieNodePhase is where a VPSieNode is in its life.
// +kubebuilder:validation:Enum=Pending;Provisioning;Provisioned;Joining;Ready;Terminating;Deleting;Failed
type VPSieNodePhase string

// The phases, in order. Failed can follow any phase before Ready.
const (
	PhasePending      VPSieNodePhase = "Pending"
	PhaseProvisioning VPSieNodePhase = "Provisioning"
	PhaseProvisioned  VPSieNodePhase = "Provisioned"
	PhaseJoining      VPSieNodePhase = "Joining"
	PhaseReady        VPSieNodePhase = "Ready"
	PhaseTerminating  VPSieNodePhase = "Terminating"
	PhaseDeleting     VPSieNodePhase = "Deleting"
	PhaseFailed       VPSieNodePhase = "Failed"
)

// IsKnownPhase reports whether p is one of the phases above.
func IsKnownPhase(p VPSieNodePhase) bool {
	switch p {
	case PhasePending, PhaseProvisioning, PhaseProvisioned, PhaseJoining, PhaseReady,
		PhaseTerminating, PhaseDeleting, PhaseFailed:
		return true
	}
	return false
}

// VPSieNodeSpec describes the VPS to create. It is immutable: a different
// machine is a different VPSieNode.
//
// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec is immutable"
type VPSieNodeSpec struct {
	// NodeGroup is the name of the NodeGroup (same namespace) this node serves.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	NodeGroup string `json:"nodeGroup"`

	// OfferingID is the VPSie offering (plan) of the VPS.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	OfferingID string `json:"offeringID"`

	// DatacenterID is the VPSie datacenter of the VPS.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	DatacenterID string `json:"datacenterID"`

	// ImageID is the VPSie image the VPS boots from.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	ImageID string `json:"imageID"`

	// Hostname is the VPS hostname and the Node name. It is deterministic so a
	// lost create can be found again instead of repeated.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Hostname string `json:"hostname"`
}

// VPSieNodeStatus is advanced by the workflow that owns the VPSieNode.
type VPSieNodeStatus struct {
	// Phase is where the node is in its life.
	// +kubebuilder:default=Pending
	// +optional
	Phase VPSieNodePhase `json:"phase,omitempty"`

	// VPSID is the VPSie identifier, once the VPS exists.
	// +optional
	VPSID string `json:"vpsID,omitempty"`

	// WorkerID is the identifier of the VPSie managed-Kubernetes worker (mode
	// managedKubernetes), recorded before anything else can happen so the worker is
	// never added twice and is always deleted by it.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	WorkerID string `json:"workerID,omitempty"`

	// ManagedCluster is the VPSie managed cluster the worker belongs to, recorded with
	// WorkerID so termination needs nothing but this object.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	ManagedCluster string `json:"managedCluster,omitempty"`

	// NodeName is the Kubernetes Node the VPS registered as.
	// +optional
	NodeName string `json:"nodeName,omitempty"`

	// IPAddress is the VPS's primary address.
	// +optional
	IPAddress string `json:"ipAddress,omitempty"`

	// ProvisionedAt is when the VPS reported running.
	// +optional
	ProvisionedAt *metav1.Time `json:"provisionedAt,omitempty"`

	// JoinedAt is when the Node registered.
	// +optional
	JoinedAt *metav1.Time `json:"joinedAt,omitempty"`

	// ReadyAt is when the Node first became Ready.
	// +optional
	ReadyAt *metav1.Time `json:"readyAt,omitempty"`

	// TerminatingAt is when termination started.
	// +optional
	TerminatingAt *metav1.Time `json:"terminatingAt,omitempty"`

	// LastError is the most recent failure, for operators.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	LastError string `json:"lastError,omitempty"`

	// Conditions report detail beyond the phase.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// VPSieNode is one VPS the autoscaler created for a NodeGroup. Its finalizer
// keeps it until the VPS is terminated.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=vn,categories=vpsie
// +kubebuilder:printcolumn:name="NodeGroup",type=string,JSONPath=`.spec.nodeGroup`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="VPS",type=string,JSONPath=`.status.vpsID`
// +kubebuilder:printcolumn:name="Worker",type=string,JSONPath=`.status.workerID`,priority=1
// +kubebuilder:printcolumn:name="Node",type=string,JSONPath=`.status.nodeName`
// +kubebuilder:printcolumn:name="IP",type=string,JSONPath=`.status.ipAddress`,priority=1
// +kubebuilder:printcolumn:name="Offering",type=string,JSONPath=`.spec.offeringID`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type VPSieNode struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   VPSieNodeSpec   `json:"spec"`
	Status VPSieNodeStatus `json:"status,omitempty"`
}

// VPSieNodeList is a list of VPSieNodes.
//
// +kubebuilder:object:root=true
type VPSieNodeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []VPSieNode `json:"items"`
}
