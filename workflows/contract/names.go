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
	// WaitNodeReadyActivity waits until a Node is Ready.
	WaitNodeReadyActivity = "WaitNodeReady"
	// ApplyNodeTemplateActivity puts labels and taints on a Node.
	ApplyNodeTemplateActivity = "ApplyNodeTemplate"
)
