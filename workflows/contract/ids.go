package contract

// Workflow IDs are deterministic, so a restarted controller attaches to the running
// operation instead of starting a second one.

// TerminateWorkflowID is the workflow ID of a VPSieNode's termination.
func TerminateWorkflowID(namespace, name string) string {
	return "terminate/" + namespace + "/" + name
}

// Operations, the value of the Operation search attribute.
const (
	OperationTerminate = "Terminate"
)
