package contract

import "time"

// Verdict is the ownership layer's judgement of one VPS. Only the ownership layer in
// activities/ produces it; workflows act on it and never judge tags themselves.
type Verdict string

// Verdicts.
const (
	// VerdictOwned: the VPS carries this owner's tags.
	VerdictOwned Verdict = "Owned"
	// VerdictUntagged: the VPSieNode recorded this VPS and its hostname matches, but it
	// carries none of the autoscaler's tags (made before tags, or tags lost). It may be
	// deleted, and the deletion is reported.
	VerdictUntagged Verdict = "Untagged"
	// VerdictForeign: not ours (another hostname, cluster, VPSieNode or object). Left alone.
	VerdictForeign Verdict = "Foreign"
	// VerdictGone: the VPS no longer exists or is already being deleted by the API.
	VerdictGone Verdict = "Gone"
)

// Deletable reports whether a VPS with this verdict may be deleted.
func (v Verdict) Deletable() bool { return v == VerdictOwned || v == VerdictUntagged }

// VPSState is what a read of one VPS tells.
type VPSState struct {
	VPSID    string `json:"vpsID"`
	Hostname string `json:"hostname,omitempty"`
	// Status is the API's status (creating, running, deleting, ...); empty when gone.
	Status string `json:"status,omitempty"`
	IP     string `json:"ip,omitempty"`
	Found  bool   `json:"found"`
}

// JudgedVPS is one VPS with the ownership layer's verdict and why.
type JudgedVPS struct {
	VPSState
	Verdict Verdict `json:"verdict"`
	Why     string  `json:"why,omitempty"`
}

// InspectVPSInput asks whether the recorded VPS VPSID is the owner's, whose
// deterministic hostname is Hostname.
type InspectVPSInput struct {
	VPSID    string `json:"vpsID"`
	Hostname string `json:"hostname"`
	Owner    Owner  `json:"owner"`
}

// FindOwnedVPSInput asks for every VPS of Hostname and its verdict for Owner.
type FindOwnedVPSInput struct {
	Hostname string `json:"hostname"`
	Owner    Owner  `json:"owner"`
	// AwaitListingLag makes "nothing found" authoritative: the activity keeps looking
	// until a lookup that started after the listing lag (counted from the attempt's start)
	// has answered. A termination without a recorded VPS sets it, because a create may
	// have landed just before and not be listed yet.
	AwaitListingLag bool `json:"awaitListingLag,omitempty"`
}

// FindOwnedVPSResult lists the VPSs of a hostname: the owner's, and the rest (left alone).
type FindOwnedVPSResult struct {
	Owned     []JudgedVPS `json:"owned,omitempty"`
	LeftAlone []JudgedVPS `json:"leftAlone,omitempty"`
}

// DeleteOwnedVPSInput deletes one VPS the ownership layer judged deletable. The
// activity refuses, without any API call, an input without a valid Owner or without a
// deletable verdict: an older payload must never read as "delete this ID".
type DeleteOwnedVPSInput struct {
	VPSID    string  `json:"vpsID"`
	Hostname string  `json:"hostname"`
	Owner    Owner   `json:"owner"`
	Verdict  Verdict `json:"verdict"`
}

// GetVPSStateInput names one VPS to read.
type GetVPSStateInput struct {
	VPSID string `json:"vpsID"`
}

// CreateOwnedVPSInput describes the VPS of one VPSieNode. Hostname is deterministic,
// so a create whose answer was lost is found again instead of repeated.
type CreateOwnedVPSInput struct {
	Owner        Owner    `json:"owner"`
	Hostname     string   `json:"hostname"`
	OfferingID   string   `json:"offeringID"`
	DatacenterID string   `json:"datacenterID"`
	ImageID      string   `json:"imageID"`
	Tags         []string `json:"tags,omitempty"` // the NodeGroup's; the owner's are added
	SSHKeyIDs    []string `json:"sshKeyIDs,omitempty"`
	Spot         bool     `json:"spot,omitempty"`
	// Join, when set, is rendered into the VPS's cloud-init user data inside the
	// activity, so the join token never enters a workflow's input, result or history.
	Join *NodeTemplate `json:"join,omitempty"`
	// TokenTTL is how long the node's own bootstrap token (issued inside the activity,
	// right before the POST) stays valid.
	TokenTTL time.Duration `json:"tokenTTL,omitempty"`
}

// CreateOwnedVPSResult is the VPS that now exists for the owner.
type CreateOwnedVPSResult struct {
	VPSState
	// Adopted is true when the VPS existed already (an earlier attempt's create).
	Adopted bool `json:"adopted"`
}
