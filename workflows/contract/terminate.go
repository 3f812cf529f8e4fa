package contract

// TerminateVPSieNodeInput names the VPSieNode whose VPS must go. VPSID may be
// empty when the create was lost before it was recorded; Hostname then finds it,
// and only a VPS tagged for this cluster and VPSieNode counts (Cluster empty:
// a run started before ownership tags, which matches by hostname alone).
type TerminateVPSieNodeInput struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// UID is the VPSieNode's UID: a later object of the same name is not this one.
	UID      string `json:"uid,omitempty"`
	Cluster  string `json:"cluster,omitempty"`
	VPSID    string `json:"vpsID,omitempty"`
	Hostname string `json:"hostname"`
}

// DeleteVPSInput identifies a VPS by ID or, failing that, by hostname. With an
// Owner, a VPS found by hostname is deleted only when Owner.Owns its tags.
type DeleteVPSInput struct {
	VPSID    string `json:"vpsID,omitempty"`
	Hostname string `json:"hostname"`
	Owner    *Owner `json:"owner,omitempty"`
}

// DeleteVPSResult says what the activity found.
type DeleteVPSResult struct {
	// Deleted is true when a VPS of ours is now gone: the recorded one (even if
	// it was gone already) or one found by hostname; false when there was none.
	Deleted bool `json:"deleted"`
	// VPSID is the VPS deleted (the first, if duplicates shared the hostname).
	VPSID string `json:"vpsID,omitempty"`
	// LeftAlone lists VPSs that had the hostname but not our tags: never ours to delete.
	LeftAlone []string `json:"leftAlone,omitempty"`
}

// VPSieNodeRef names a VPSieNode; with a UID, only that very object.
type VPSieNodeRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	UID       string `json:"uid,omitempty"`
}

// VPSieNode phases as the API spells them. workflows/ cannot import the API
// package (it pulls in apimachinery), so they are repeated here; the
// SetVPSieNodePhase activity refuses a phase the API does not know.
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
