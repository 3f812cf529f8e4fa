package contract

// Registered workflow names. They are part of every recorded history, so renaming one
// breaks running workflows and replay tests: add a new name instead.
const (
	// PingWorkflow echoes a message through one activity; it proves the worker path end to end.
	PingWorkflow = "Ping"
	// TerminateVPSieNodeWorkflow deletes a VPSieNode's VPS and then releases its finalizer.
	TerminateVPSieNodeWorkflow = "TerminateVPSieNode"
)

// Registered activity names, called by workflows through workflow.ExecuteActivity.
const (
	// PingActivity answers with the message and the identity of the worker that ran it.
	PingActivity = "Ping"
	// DeleteVPSActivity deletes a VPS and waits until it is gone.
	DeleteVPSActivity = "DeleteVPS"
	// SetVPSieNodePhaseActivity records a VPSieNode's phase.
	SetVPSieNodePhaseActivity = "SetVPSieNodePhase"
	// ReleaseVPSieNodeActivity removes a VPSieNode's termination finalizer.
	ReleaseVPSieNodeActivity = "ReleaseVPSieNode"
)
