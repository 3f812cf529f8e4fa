package contract

import "time"

// ScaleUpWorkflowID is the deterministic ID of one scale-up batch of a NodeGroup.
func ScaleUpWorkflowID(namespace, nodeGroup, batch string) string {
	return "scaleup/" + namespace + "/" + nodeGroup + "/" + batch
}

// OperationScaleUp is the Operation search attribute of scale-up runs.
const OperationScaleUp = "ScaleUp"

// Placement is one offering in one datacenter, with its price for the memo and events.
type Placement struct {
	OfferingID   string  `json:"offeringID"`
	DatacenterID string  `json:"datacenterID"`
	MonthlyPrice float64 `json:"monthlyPrice,omitempty"`
}

// Taint is a Kubernetes taint; workflows/ cannot import the API types.
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Effect string `json:"effect"`
}

// NodeRequest is one node of a batch. Name is the VPSieNode's name and the VPS's
// hostname (and so the Node's name); it is deterministic, so a lost create is found
// again. Placements are tried in order: when the API has no capacity for one, the next
// one is used (cheaper offerings first, then other datacenters).
type NodeRequest struct {
	Name       string      `json:"name"`
	Placements []Placement `json:"placements"`
}

// NodeTemplate is what every node of a NodeGroup gets.
type NodeTemplate struct {
	NodeGroup         string            `json:"nodeGroup"`
	ImageID           string            `json:"imageID"`
	KubernetesVersion string            `json:"kubernetesVersion"`
	Labels            map[string]string `json:"labels,omitempty"`
	Taints            []Taint           `json:"taints,omitempty"`
	Tags              []string          `json:"tags,omitempty"`
	// UserDataTemplate names a ConfigMap ("namespace/name") holding the NodeGroup's own
	// cloud-init template; empty uses the default kubeadm-join template. The rendered
	// user data, which holds the join token, never enters a workflow's input or history.
	UserDataTemplate string `json:"userDataTemplate,omitempty"`
	// CloudInitTemplate is the NodeGroup's inline template; Variables are its own
	// template variables. Neither holds a secret.
	CloudInitTemplate string            `json:"cloudInitTemplate,omitempty"`
	Variables         map[string]string `json:"variables,omitempty"`
	// SSHKeyIDs and SSHPublicKeys are the group's SSH keys (the activity adds the
	// configured default key IDs and drops duplicates).
	SSHKeyIDs     []string `json:"sshKeyIDs,omitempty"`
	SSHPublicKeys []string `json:"sshPublicKeys,omitempty"`
	// SSHKeySecret names the group's Secret of further public keys ("namespace/name");
	// SSHKeySecretKeys are the data keys to read, empty for all. Only the reference crosses
	// the workflow boundary: the create activity reads the keys right before its POST.
	SSHKeySecret     string   `json:"sshKeySecret,omitempty"`
	SSHKeySecretKeys []string `json:"sshKeySecretKeys,omitempty"`
}

// ScaleUpTimeouts bound each wait of a node; every one has a compensation.
type ScaleUpTimeouts struct {
	Boot  time.Duration `json:"boot"`
	Join  time.Duration `json:"join"`
	Ready time.Duration `json:"ready"`
}

// BootstrapTokenMargin is how much longer than the boot and join timeouts a node's
// bootstrap token lives: the workflow deletes it at the join or the compensation anyway,
// and the margin covers a slow compensation and clock skew between worker and API server.
const BootstrapTokenMargin = 10 * time.Minute

// TokenTTL is how long a node's bootstrap token is valid: until its join times out, plus
// the margin.
func (t ScaleUpTimeouts) TokenTTL() time.Duration {
	return t.Boot + t.Join + BootstrapTokenMargin
}

// ScaleUpInput is one batch of new nodes for one NodeGroup.
type ScaleUpInput struct {
	Namespace string          `json:"namespace"`
	NodeGroup string          `json:"nodeGroup"`
	Cluster   string          `json:"cluster"`
	Batch     string          `json:"batch"`
	Template  NodeTemplate    `json:"template"`
	Nodes     []NodeRequest   `json:"nodes"`
	Timeouts  ScaleUpTimeouts `json:"timeouts"`
	// Managed, when set, makes every node a worker of this VPSie managed node group
	// (provisioning mode managedKubernetes) instead of a VPS.
	Managed *ManagedTarget `json:"managed,omitempty"`
}

// NodeOutcome is what became of one requested node.
type NodeOutcome struct {
	Name      string    `json:"name"`
	Placement Placement `json:"placement"`
	VPSID     string    `json:"vpsID,omitempty"`
	WorkerID  string    `json:"workerID,omitempty"`
	NodeName  string    `json:"nodeName,omitempty"`
	Ready     bool      `json:"ready"`
	// Failure says why a node did not become Ready (and was compensated).
	Failure string `json:"failure,omitempty"`
	// Reason is the typed reason of a failure (FailureReason*), read by events and metrics.
	Reason string `json:"reason,omitempty"`
}

// Typed failure reasons of a scale-up node.
const (
	FailureCapacity    = "CapacityExhausted"
	FailureCreate      = "CreateFailed"
	FailureBoot        = "BootFailed"
	FailureBootTimeout = "BootTimeout"
	FailureJoinTimeout = "JoinTimeout"
	FailureNotReady    = "ReadyTimeout"
	// FailureNodeWrite: a Kubernetes write about a joined node (its labels and taints, its
	// Ready record) kept failing; the node was drained, not deleted bare.
	FailureNodeWrite = "NodeWriteFailed"
	// FailureOwnerGone: the node's VPSieNode was deleted (or replaced) while it was
	// provisioned; the VPS made for it, if any, was deleted.
	FailureOwnerGone = "OwnerGone"
	// FailureNodeUnused is the controller's, not the workflow's: a Ready node that took
	// none of the pods waiting for its group within scaleUp.unusedNodeGrace.
	FailureNodeUnused = "NodeUnused"
)

// ScaleUpResult lists every node's outcome.
type ScaleUpResult struct {
	Nodes []NodeOutcome `json:"nodes"`
}

// CreateVPSieNodeInput creates the VPSieNode of one requested node (idempotent: an
// existing object of the name is returned).
type CreateVPSieNodeInput struct {
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	NodeGroup string    `json:"nodeGroup"`
	Placement Placement `json:"placement"`
	ImageID   string    `json:"imageID"`
	Batch     string    `json:"batch"`
}

// RecordVPSieNodeInput advances a VPSieNode: phase and whatever else is known.
type RecordVPSieNodeInput struct {
	VPSieNodeRef
	Phase    string `json:"phase"`
	VPSID    string `json:"vpsID,omitempty"`
	WorkerID string `json:"workerID,omitempty"`
	// ManagedCluster is recorded with WorkerID.
	ManagedCluster string `json:"managedCluster,omitempty"`
	IP             string `json:"ip,omitempty"`
	NodeName       string `json:"nodeName,omitempty"`
	LastError      string `json:"lastError,omitempty"`
	// MustExist is set on the create path: a VPSieNode that is gone, replaced or being
	// deleted is not success there (a VPS was just made for it) but ErrOwnerGone, and the
	// workflow deletes what it made.
	MustExist bool `json:"mustExist,omitempty"`
}

// WaitNodeInput waits for the Node of a VPS: registered (by provider ID or name), or Ready.
type WaitNodeInput struct {
	NodeName   string `json:"nodeName"`
	ProviderID string `json:"providerID,omitempty"`
	// Timeout ends the wait with a non-retryable ErrWaitTimedOut.
	Timeout time.Duration `json:"timeout"`
}

// ApplyNodeTemplateInput puts the NodeGroup's labels and taints, and the autoscaler's
// own labels, on a Node.
type ApplyNodeTemplateInput struct {
	NodeName string            `json:"nodeName"`
	Labels   map[string]string `json:"labels"`
	Taints   []Taint           `json:"taints,omitempty"`
	// ProviderID ("vpsie://<vps id>") is set on a Node registered without one: the user
	// data cannot carry it (the VPS has no id before the create that carries it). Empty
	// for a managed cluster's worker, whose Node is its control plane's.
	ProviderID string `json:"providerID,omitempty"`
}

// VPSieNode phases advanced by ScaleUp (the API's spelling).
const (
	PhaseProvisioning = "Provisioning"
	PhaseProvisioned  = "Provisioned"
	PhaseJoining      = "Joining"
	PhaseReady        = "Ready"
	PhaseFailed       = "Failed"
)

// Labels the autoscaler puts on every Node it makes (the API package's names).
const (
	LabelManaged    = "autoscaler.vpsie.com/managed"
	LabelNodeGroup  = "autoscaler.vpsie.com/nodegroup"
	LabelVPSieNode  = "autoscaler.vpsie.com/vpsienode"
	LabelOffering   = "autoscaler.vpsie.com/offering"
	LabelDatacenter = "autoscaler.vpsie.com/datacenter"
)

// ProviderID is the provider ID a VPS's Node registers with.
func ProviderID(vpsID string) string { return "vpsie://" + vpsID }
