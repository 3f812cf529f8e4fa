package contract

// TerminateVPSieNodeInput names the VPSieNode whose VPS must go. VPSID may be
// empty when the create was lost before it was recorded; Hostname then finds it.
type TerminateVPSieNodeInput struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	VPSID     string `json:"vpsID,omitempty"`
	Hostname  string `json:"hostname"`
}

// DeleteVPSInput identifies a VPS by ID or, failing that, by hostname.
type DeleteVPSInput struct {
	VPSID    string `json:"vpsID,omitempty"`
	Hostname string `json:"hostname"`
}

// DeleteVPSResult says what the activity found.
type DeleteVPSResult struct {
	// Deleted is false when no VPS existed any more.
	Deleted bool   `json:"deleted"`
	VPSID   string `json:"vpsID,omitempty"`
}

// VPSieNodeRef names a VPSieNode.
type VPSieNodeRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// VPSieNode phases as the API spells them. workflows/ cannot import the API
// package (it pulls in apimachinery), so they are repeated here and a test in
// activities/ checks every one is a phase the API knows.
const (
	PhaseDeleting = "Deleting"
)

// SetVPSieNodePhaseInput moves a VPSieNode to a phase, recording an error
// message when there is one.
type SetVPSieNodePhaseInput struct {
	VPSieNodeRef
	Phase     string `json:"phase"`
	LastError string `json:"lastError,omitempty"`
}

// TerminateWorkflowID is the deterministic workflow ID of a VPSieNode's
// termination, so a restarted controller attaches instead of starting twice.
func TerminateWorkflowID(namespace, name string) string {
	return "terminate/" + namespace + "/" + name
}
