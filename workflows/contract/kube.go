package contract

// VPSieNodeRef names a VPSieNode; with a UID, only that very object.
type VPSieNodeRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	UID       string `json:"uid,omitempty"`
}

// VPSieNode phases as the API spells them. workflows/ cannot import the API
// package (it pulls in apimachinery), so they are repeated here; the
// RecordVPSieNode activity refuses a phase the API does not know.
const (
	PhaseDeleting = "Deleting"
)

// DeleteVPSieNodeNodeInput deletes the Node a VPSieNode's VPS registered as, once the
// VPS is gone. The Node is deleted only when it is provably that VPS's: its provider
// ID names one of VPSIDs, or it carries the managed label and the VPSieNode's label.
type DeleteVPSieNodeNodeInput struct {
	VPSieNode VPSieNodeRef `json:"vpsieNode"`
	NodeName  string       `json:"nodeName"`
	VPSIDs    []string     `json:"vpsIDs,omitempty"`
}

// DeleteVPSieNodeNodeResult says what happened to the Node.
type DeleteVPSieNodeNodeResult struct {
	Deleted bool `json:"deleted"`
	// LeftAlone explains why a Node of that name was not deleted.
	LeftAlone string `json:"leftAlone,omitempty"`
}
