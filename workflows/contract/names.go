package contract

// Registered workflow names. They are part of every recorded history, so renaming one
// breaks running workflows and replay tests: add a new name instead.
const (
	// PingWorkflow echoes a message through one activity; it proves the worker path end to end.
	PingWorkflow = "Ping"
	// TerminateVPSieNodeWorkflow deletes a VPSieNode's VPS and Node and then releases its finalizer.
	TerminateVPSieNodeWorkflow = "TerminateVPSieNode"
	// ScaleUpWorkflow provisions a batch of nodes for one NodeGroup.
	ScaleUpWorkflow = "ScaleUp"
	// CatalogueWorkflow reads the VPSie catalogue for the planner, so the controller
	// never calls the VPSie API itself.
	CatalogueWorkflow = "Catalogue"
	// DrainAndDeleteWorkflow cordons and drains a node, then deletes it through the
	// termination path, or compensates when it cannot drain in time.
	DrainAndDeleteWorkflow = "DrainAndDelete"
)

// Registered activity names, called by workflows through workflow.ExecuteActivity.
// When an activity's meaning changes it gets a new name, so a recorded call can never
// be read with a meaning it did not have.
const (
	// PingActivity answers with the message and the identity of the worker that ran it.
	PingActivity = "Ping"

	// InspectVPSActivity reads one VPS and judges whether it is ours (one API call).
	InspectVPSActivity = "InspectVPS"
	// FindOwnedVPSActivity lists the VPSs of a hostname and judges each (a listing,
	// plus a detail read for each VM the listing does not show as ours).
	FindOwnedVPSActivity = "FindOwnedVPS"
	// DeleteOwnedVPSActivity deletes one VPS that InspectVPS or FindOwnedVPS judged
	// deletable (one API call).
	DeleteOwnedVPSActivity = "DeleteOwnedVPS"
	// GetVPSStateActivity reads the state of one VPS, for waits (one API call).
	GetVPSStateActivity = "GetVPSState"
	// ListCatalogueActivity lists the available offerings and datacenters.
	ListCatalogueActivity = "ListCatalogue"
	// CreateOwnedVPSActivity creates a VPS exactly once per hostname, adopting one
	// that is already ours.
	CreateOwnedVPSActivity = "CreateOwnedVPS"

	// ReleaseVPSieNodeActivity removes a VPSieNode's termination finalizer.
	ReleaseVPSieNodeActivity = "ReleaseVPSieNode"
	// DeleteVPSieNodeNodeActivity deletes the Node of a VPSieNode whose VPS is gone.
	DeleteVPSieNodeNodeActivity = "DeleteVPSieNodeNode"
	// CreateVPSieNodeActivity creates the VPSieNode of a requested node.
	CreateVPSieNodeActivity = "CreateVPSieNode"
	// RecordVPSieNodeActivity advances a VPSieNode's phase and records what is known.
	RecordVPSieNodeActivity = "RecordVPSieNode"
	// DeleteVPSieNodeActivity deletes a VPSieNode (its finalizer starts the termination).
	DeleteVPSieNodeActivity = "DeleteVPSieNode"
	// WaitNodeRegisteredActivity waits until a VPS's Node exists and returns its name.
	WaitNodeRegisteredActivity = "WaitNodeRegistered"
	// RevokeBootstrapTokenActivity deletes a node's bootstrap token Secret once the node
	// joined or was compensated (input VPSieNodeRef with its UID; a missing one is fine).
	RevokeBootstrapTokenActivity = "RevokeBootstrapToken"
	// WaitNodeReadyActivity waits until a Node is Ready.
	WaitNodeReadyActivity = "WaitNodeReady"
	// ApplyNodeTemplateActivity puts labels and taints on a Node.
	ApplyNodeTemplateActivity = "ApplyNodeTemplate"

	// CordonNodeActivity marks a Node unschedulable and records that the drain did it.
	CordonNodeActivity = "CordonNode"
	// UncordonNodeActivity undoes CordonNode, and only a cordon the drain made.
	UncordonNodeActivity = "UncordonNode"
	// AnnotateDrainStatusActivity writes the drain status and its reason on a Node.
	AnnotateDrainStatusActivity = "AnnotateDrainStatus"
	// CheckDrainSafetyActivity re-checks the scale-down safety rules on a Node right before
	// its pods are evicted; it fails with ErrDrainUnsafe when one refuses.
	CheckDrainSafetyActivity = "CheckDrainSafety"
	// EvictPodsActivity evicts a Node's pods through the Eviction API until a deadline.
	EvictPodsActivity = "EvictPods"
	// WaitVPSieNodeGoneActivity waits until a deleted VPSieNode's termination released it.
	WaitVPSieNodeGoneActivity = "WaitVPSieNodeGone"
)

// Rebalance's workflow and activity names.
const (
	// RebalanceWorkflow replaces a NodeGroup's nodes by cheaper or up-to-date ones
	// (rolling, surge or blue-green), with pause, resume, rollback and cancel signals.
	RebalanceWorkflow = "Rebalance"
	// AnnotateRebalanceActivity marks a Node as being replaced, or removes the mark.
	AnnotateRebalanceActivity = "AnnotateRebalance"
	// VerifyPodsRunningActivity waits until the pods evicted from a set of Nodes run
	// elsewhere (blue-green's check before the old set is deleted).
	VerifyPodsRunningActivity = "VerifyPodsRunning"
	// VPSieNodeDeletedActivity says whether a VPSieNode is gone or being deleted: after a
	// drain child failed, whether it got as far as deleting the old node.
	VPSieNodeDeletedActivity = "VPSieNodeDeleted"
)
