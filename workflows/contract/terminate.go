package contract

// TerminateVPSieNodeInput names the VPSieNode whose VPS and Node must go. VPSID may
// be empty when the create was lost before it was recorded; Hostname then finds it,
// and only a VPS tagged for this cluster and VPSieNode counts.
type TerminateVPSieNodeInput struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// UID is the VPSieNode's UID: a later object of the same name is not this one.
	UID      string `json:"uid"`
	Cluster  string `json:"cluster"`
	VPSID    string `json:"vpsID,omitempty"`
	Hostname string `json:"hostname"`
	// NodeName is the Node the VPS registered as; empty means the hostname.
	NodeName string `json:"nodeName,omitempty"`
	// WorkerID and ManagedCluster, when set, name the VPSie managed-Kubernetes worker the
	// VPSieNode recorded: it is deleted by identifier instead of a VPS.
	WorkerID       string `json:"workerID,omitempty"`
	ManagedCluster string `json:"managedCluster,omitempty"`
}

// Owner is the ownership the input's VPSieNode gives its VPSs.
func (in TerminateVPSieNodeInput) Owner() Owner {
	return Owner{Cluster: in.Cluster, Namespace: in.Namespace, Name: in.Name, UID: in.UID}
}

// TerminateResult says what the termination did.
type TerminateResult struct {
	// Deleted are the VPSs deleted: the recorded one, lost creates and duplicates.
	Deleted []string `json:"deleted,omitempty"`
	// Untagged are deleted VPSs that carried none of our tags (recorded, hostname matched).
	Untagged []string `json:"untagged,omitempty"`
	// Gone is the recorded VPS when it no longer existed (an earlier run deleted it).
	Gone []string `json:"gone,omitempty"`
	// LeftAlone are VPSs that were not ours: never deleted.
	LeftAlone []JudgedVPS `json:"leftAlone,omitempty"`
	// Node says what happened to the Node.
	Node DeleteVPSieNodeNodeResult `json:"node"`
}
