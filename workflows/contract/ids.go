package contract

// Workflow IDs are deterministic, so a restarted controller attaches to the running
// operation instead of starting a second one.

// TerminateWorkflowID is the workflow ID of a VPSieNode's termination.
func TerminateWorkflowID(namespace, name string) string {
	return "terminate/" + namespace + "/" + name
}

// DrainWorkflowID is the workflow ID of a node's drain and deletion. Every disruptive
// operation of a node (scale-down, rebalance) uses it, so one node never has two.
func DrainWorkflowID(nodeName string) string {
	return "drain/" + nodeName
}

// Operations, the value of the Operation search attribute.
const (
	OperationTerminate = "Terminate"
	OperationDrain     = "Drain"
)

// RebalanceWorkflowID is the workflow ID of a NodeGroup's rebalance: one at a time per
// group; the plan ID goes in the memo.
func RebalanceWorkflowID(namespace, nodeGroup string) string {
	return "rebalance/" + namespace + "/" + nodeGroup
}

// OperationRebalance is the Operation search attribute of rebalance runs.
const OperationRebalance = "Rebalance"
