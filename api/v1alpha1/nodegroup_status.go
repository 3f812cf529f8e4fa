package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NodeGroup condition types. The NodeGroup controller is their only writer.
const (
	// ConditionReady is true when every node of the group is Ready and the
	// group is within its bounds.
	ConditionReady = "Ready"
	// ConditionScaling is true while nodes are being added or removed.
	ConditionScaling = "Scaling"
	// ConditionAtMinCapacity is true when the group has minNodes or fewer.
	ConditionAtMinCapacity = "AtMinCapacity"
	// ConditionAtMaxCapacity is true when the group has maxNodes or more.
	ConditionAtMaxCapacity = "AtMaxCapacity"
	// ConditionError is true when a node of the group has failed.
	ConditionError = "Error"
	// ConditionScaleUpBlocked is true while the provisioner holds the group back
	// (scale-up disabled, backing off after failed nodes, in cooldown, maxNodes
	// reached, an offering or datacenter the catalogue does not know); its reason is
	// the planner's typed reason.
	ConditionScaleUpBlocked = "ScaleUpBlocked"
	// ConditionDeleting is true while a deleted NodeGroup is taken down (its runs
	// cancelled, its nodes drained and terminated; reason NodeGroupDeleting, the message
	// counts what is left); it is set only on a group being deleted.
	ConditionDeleting = "Deleting"
	// ConditionBootstrapConfigValid is true when new nodes of the group can be made as
	// its spec asks: its user data template (inline, ConfigMap or the default) reads and
	// renders, and its sshKeySecretRef Secret holds public keys. False (reason e.g.
	// UserDataTemplateNotFound, SSHKeySecretNotFound; internal/cloudinit) holds scale-up
	// back. Mode managedKubernetes has no user data: always true there.
	ConditionBootstrapConfigValid = "BootstrapConfigValid"
)

// NodeGroupStatus is what the autoscaler observed of the group.
type NodeGroupStatus struct {
	// ObservedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// CurrentNodes counts the group's VPSieNodes that are not being deleted.
	// +optional
	CurrentNodes int32 `json:"currentNodes"`

	// DesiredNodes is the size the autoscaler is steering the group to.
	// +optional
	DesiredNodes int32 `json:"desiredNodes"`

	// ReadyNodes counts the group's Kubernetes Nodes that are Ready.
	// +optional
	ReadyNodes int32 `json:"readyNodes"`

	// Nodes lists the group's members, sorted by name.
	// +listType=map
	// +listMapKey=name
	// +optional
	Nodes []NodeGroupMember `json:"nodes,omitempty"`

	// Conditions are Ready, Scaling, AtMinCapacity, AtMaxCapacity, Error, ScaleUpBlocked,
	// BootstrapConfigValid and, while the group is deleted, Deleting.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// LastScaleUpTime is when the group last started growing.
	// +optional
	LastScaleUpTime *metav1.Time `json:"lastScaleUpTime,omitempty"`

	// LastScaleDownTime is when the group last started shrinking.
	// +optional
	LastScaleDownTime *metav1.Time `json:"lastScaleDownTime,omitempty"`

	// ScaleDown says why the scale-down controller keeps nodes of the group.
	// +optional
	ScaleDown *NodeGroupScaleDownStatus `json:"scaleDown,omitempty"`

	// Rebalance mirrors the group's rebalance: the one running, else the last one.
	// +optional
	Rebalance *NodeGroupRebalanceStatus `json:"rebalance,omitempty"`

	// LastRebalanceTime is when the group's last rebalance ended; the cooldown runs from it.
	// +optional
	LastRebalanceTime *metav1.Time `json:"lastRebalanceTime,omitempty"`
}

// NodeGroupRebalanceStatus is the progress of a rebalance run (workflow
// rebalance/<namespace>/<name>), read through its progress query, and its outcome.
type NodeGroupRebalanceStatus struct {
	// PlanID is the analyzer's plan the run carries out.
	// +optional
	PlanID string `json:"planID,omitempty"`
	// Strategy is rolling, surge or blueGreen.
	// +optional
	Strategy string `json:"strategy,omitempty"`
	// Phase is the run's: Provisioning, Draining, Cordoning, Evicting, Verifying,
	// Deleting, Paused, WaitingForWindow, RollingBack, then Completed, RolledBack,
	// Cancelled or Failed.
	// +optional
	Phase string `json:"phase,omitempty"`
	// Paused is true while the run holds after a pause signal.
	// +optional
	Paused bool `json:"paused,omitempty"`
	// BatchesDone of BatchesTotal are replaced.
	// +optional
	BatchesDone int32 `json:"batchesDone"`
	// +optional
	BatchesTotal int32 `json:"batchesTotal"`
	// NewNodes are the replacements that are Ready and still exist.
	// +listType=atomic
	// +optional
	NewNodes []string `json:"newNodes,omitempty"`
	// OldNodes are the nodes of the plan not deleted yet.
	// +listType=atomic
	// +optional
	OldNodes []string `json:"oldNodes,omitempty"`
	// SavingsMonthly sums the monthly savings of the replacements whose old node is
	// gone, in the catalogue's currency, two decimals.
	// +optional
	SavingsMonthly string `json:"savingsMonthly,omitempty"`
	// PlannedSavingsMonthly is what the whole plan saves per month once done; negative
	// when drift moves nodes to dearer offerings (Reasons then names the drift).
	// +optional
	PlannedSavingsMonthly string `json:"plannedSavingsMonthly,omitempty"`
	// Reasons are the typed reasons the plan replaces nodes for, sorted: CheaperOffering,
	// or the drift the operator asked for by changing the spec (OfferingNotAllowed,
	// ImageChanged, KubernetesVersionChanged); only drift may make a replacement dearer.
	// +listType=atomic
	// +optional
	Reasons []string `json:"reasons,omitempty"`
	// StartedAt is when the controller started the run.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
	// FinishedAt is when the run ended; unset while it runs.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// Outcome of the finished run: Completed, RolledBack, Cancelled or Failed.
	// +optional
	Outcome string `json:"outcome,omitempty"`
	// Reason is the typed reason of a run that did not complete (RollbackRequested,
	// CancelRequested, StepFailed).
	// +optional
	Reason string `json:"reason,omitempty"`
	// Message says what the run waits for or why it stopped.
	// +optional
	Message string `json:"message,omitempty"`
}

// MaxBlockedNodes caps status.scaleDown.blockedNodes.
const MaxBlockedNodes = 20

// NodeGroupScaleDownStatus is what the scale-down controller last decided for the group.
type NodeGroupScaleDownStatus struct {
	// BlockedNodes are the group's nodes that could go but stay, with why (the
	// first MaxBlockedNodes, sorted by node name).
	// +listType=map
	// +listMapKey=node
	// +kubebuilder:validation:MaxItems=20
	// +optional
	BlockedNodes []BlockedNode `json:"blockedNodes,omitempty"`
	// BlockedCount counts every blocked node, also those beyond the list's cap.
	// +optional
	BlockedCount int32 `json:"blockedCount,omitempty"`
}

// BlockedNode is one node scale-down keeps although it is empty, underutilized or above
// maxNodes: a safety check, a limit of the group, or pods that fit nowhere else.
type BlockedNode struct {
	// Node is the Kubernetes Node's name.
	Node string `json:"node"`
	// Reason is the planner's typed reason (PodDisruptionBudget, DoNotDisrupt, ...).
	Reason string `json:"reason"`
	// Pod is the blocking pod, namespace/name, when one decided.
	// +optional
	Pod string `json:"pod,omitempty"`
	// Message explains the reason for people.
	// +optional
	Message string `json:"message,omitempty"`
}

// NodeGroupMember is one VPSieNode of the group as the status reports it.
type NodeGroupMember struct {
	// Name is the VPSieNode's name.
	Name string `json:"name"`
	// NodeName is the Kubernetes Node the VPS registered as, once joined.
	// +optional
	NodeName string `json:"nodeName,omitempty"`
	// VPSID is the VPSie identifier of the VPS.
	// +optional
	VPSID string `json:"vpsID,omitempty"`
	// Phase is the VPSieNode's phase.
	// +optional
	Phase VPSieNodePhase `json:"phase,omitempty"`
	// Ready is true when the Kubernetes Node is Ready.
	// +optional
	Ready bool `json:"ready,omitempty"`
}

// NodeGroup is a group of identical VPSie nodes the autoscaler keeps between
// minNodes and maxNodes.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ng;ngs,categories=vpsie
// +kubebuilder:printcolumn:name="Min",type=integer,JSONPath=`.spec.minNodes`
// +kubebuilder:printcolumn:name="Max",type=integer,JSONPath=`.spec.maxNodes`
// +kubebuilder:printcolumn:name="Desired",type=integer,JSONPath=`.status.desiredNodes`
// +kubebuilder:printcolumn:name="Current",type=integer,JSONPath=`.status.currentNodes`
// +kubebuilder:printcolumn:name="Ready",type=integer,JSONPath=`.status.readyNodes`
// +kubebuilder:printcolumn:name="Mode",type=string,JSONPath=`.spec.provisioning.mode`
// +kubebuilder:printcolumn:name="Datacenter",type=string,JSONPath=`.spec.datacenterID`,priority=1
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type NodeGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   NodeGroupSpec   `json:"spec"`
	Status NodeGroupStatus `json:"status,omitempty"`
}

// NodeGroupList is a list of NodeGroups.
//
// +kubebuilder:object:root=true
type NodeGroupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NodeGroup `json:"items"`
}
