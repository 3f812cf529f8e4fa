package contract

// Managed Kubernetes (provisioning mode managedKubernetes): a node is a worker VPSie adds to
// a managed node group, with a hostname VPSie chooses. Workers carry no tags, so the
// VPSieNode's recorded worker identifier is the only proof of ownership; it is recorded
// before anything else can happen.

// Activity names of the managed path.
const (
	// ListManagedWorkersActivity lists the workers of one managed node group (one read of the
	// cluster info).
	ListManagedWorkersActivity = "ListManagedWorkers"
	// AddManagedWorkerActivity adds one worker to a group: one POST, never retried by Temporal.
	// An answer that does not name the worker is reported as ambiguous, not as an error.
	AddManagedWorkerActivity = "AddManagedWorker"
	// FindAddedWorkerActivity waits out the listing lag and returns the workers of the group
	// that the "before" listing did not show.
	FindAddedWorkerActivity = "FindAddedWorker"
	// DeleteManagedWorkerActivity deletes one recorded worker by identifier; a 404 counts as gone
	// only once the cluster info, read after the listing lag, no longer lists it.
	DeleteManagedWorkerActivity = "DeleteManagedWorker"
)

// ManagedTarget is the VPSie managed node group a NodeGroup scales.
// GroupName is resolved to GroupID by the activities when GroupID is 0.
type ManagedTarget struct {
	Cluster   string `json:"cluster"`
	GroupID   int64  `json:"groupID,omitempty"`
	GroupName string `json:"groupName,omitempty"`
}

// Valid reports whether the target names a cluster and a group.
func (t ManagedTarget) Valid() bool { return t.Cluster != "" && (t.GroupID > 0 || t.GroupName != "") }

// ManagedWorker is one worker as the ownership layer reports it.
type ManagedWorker struct {
	WorkerID string `json:"workerID"`
	Hostname string `json:"hostname,omitempty"`
	IP       string `json:"ip,omitempty"`
	Status   string `json:"status,omitempty"`
}

// ListManagedWorkersResult lists a group's workers, by identifier.
type ListManagedWorkersResult struct {
	Workers []ManagedWorker `json:"workers,omitempty"`
}

// AddManagedWorkerResult is what one add told: the worker, or Ambiguous when the answer named
// none (data: true, a lost or timed-out answer) and the add may or may not have happened.
type AddManagedWorkerResult struct {
	Worker    ManagedWorker `json:"worker"`
	Ambiguous bool          `json:"ambiguous"`
	Why       string        `json:"why,omitempty"`
}

// FindAddedWorkerInput names the group and the identifiers its "before" listing showed.
type FindAddedWorkerInput struct {
	Target ManagedTarget `json:"target"`
	Before []string      `json:"before,omitempty"`
}

// FindAddedWorkerResult is every worker listed after the lag that the before listing lacked.
type FindAddedWorkerResult struct {
	Added []ManagedWorker `json:"added,omitempty"`
}

// DeleteManagedWorkerInput deletes the worker a VPSieNode recorded. Owner is required: the
// activity refuses, without any call, a delete that names no VPSieNode.
type DeleteManagedWorkerInput struct {
	Cluster  string `json:"cluster"`
	WorkerID string `json:"workerID"`
	Owner    Owner  `json:"owner"`
}

// DeleteManagedWorkerResult says whether the worker was deleted now or was gone already.
type DeleteManagedWorkerResult struct {
	Verdict Verdict `json:"verdict"`
}

// FailureAmbiguousAdd: an add whose answer named no worker was followed by several new
// workers in the group, so none can be attributed; the node is compensated and the extra
// workers are left for an operator (reported).
const FailureAmbiguousAdd = "AmbiguousAdd"

// RecordedWorkersActivity lists the workers the NodeGroup's VPSieNodes recorded (Kubernetes).
const RecordedWorkersActivity = "RecordedWorkers"

// RecordedWorkersInput names the NodeGroup.
type RecordedWorkersInput struct {
	Namespace string `json:"namespace"`
	NodeGroup string `json:"nodeGroup"`
}

// RecordedWorkersResult is the recorded worker identifiers.
type RecordedWorkersResult struct {
	WorkerIDs []string `json:"workerIDs,omitempty"`
}
