package vpsieapi

// VM statuses reported in VM.Status (shape A's "status"; shape B readers see State and Power).
const (
	StatusCreating = "creating"
	StatusRunning  = "running"
	// StatusInterrupting: a spot VM received an interruption notice; it is deleted at VM.InterruptionNotice.
	StatusInterrupting = "interrupting"
	StatusDeleting     = "deleting"
	// StatusDeleted: the VM is gone; listings still show it for a while (with is_deleted=1), GET by id is 404.
	StatusDeleted = "deleted"
	// StatusFailed: the VM never finished booting; it stays until deleted.
	StatusFailed = "failed"
)

// VM is one virtual machine, the union of shape A's VPS and shape B's VmData so one object serves both clients.
// Timestamps are RFC3339 strings.
type VM struct {
	ID         int64  `json:"id"`
	Identifier string `json:"identifier"` // UUID; shape B's key
	Name       string `json:"name,omitempty"`
	Hostname   string `json:"hostname"`
	Status     string `json:"status"`
	State      string `json:"state"` // shape B; same value as Status
	Power      int    `json:"power"` // shape B; 1 while the machine runs
	// InterruptionNotice is set on spot VMs under an interruption notice: the RFC3339 time it will be reclaimed.
	InterruptionNotice string `json:"interruption_notice,omitempty"`
	Spot               bool   `json:"spot"`

	CPU     int `json:"cpu"`
	RAM     int `json:"ram"` // MB
	SSD     int `json:"ssd"` // GB
	Traffic int `json:"traffic"`

	DefaultIP   string `json:"default_ip"`
	DefaultIPv6 string `json:"default_ipv6,omitempty"`
	PrivateIP   string `json:"private_ip,omitempty"`

	OfferingID   string `json:"offering_id"` // the plan it was created from
	BoxsizeID    int64  `json:"boxsize_id"`  // the plan's numeric id
	DatacenterID int64  `json:"datacenter_id"`
	DCIdentifier string `json:"dcIdentifier"` // the datacenter's id string
	OSImageID    string `json:"os_image_id,omitempty"`
	OSName       string `json:"os_name,omitempty"`
	OSVersion    string `json:"os_version,omitempty"`
	ProjectID    string `json:"projectId,omitempty"`
	Category     string `json:"category,omitempty"`

	Tags        TagList `json:"tags"`
	Notes       string  `json:"notes,omitempty"`
	CreatedOn   string  `json:"created_on"`
	LastUpdated string  `json:"last_updated"`
	DroppedOn   string  `json:"dropped_on,omitempty"`
	IsActive    int     `json:"is_active"`
	IsDeleted   int     `json:"is_deleted"`
}

// VMDetail is shape B's GET /api/v2/vm/{identifier} data object.
type VMDetail struct {
	VMData VM      `json:"vmData"`
	VMTags TagList `json:"vmTags"`
}

// CreateVMRequest is the create body of either shape. Shape A spells fields in snake_case (offering_id, ...), shape B
// in camelCase (resourceIdentifier, ...); the simulator accepts both on both paths and the accessor methods below
// pick the shape-A spelling when both are present (in shape A, resourceIdentifier meant the cluster, not the plan).
type CreateVMRequest struct {
	Name          string   `json:"name,omitempty"`
	Hostname      string   `json:"hostname"`
	OfferingID    string   `json:"offering_id,omitempty"`
	DatacenterID  string   `json:"datacenter_id,omitempty"`
	OSImageID     string   `json:"os_image_id,omitempty"`
	SSHKeyIDs     []string `json:"ssh_key_ids,omitempty"`
	SSHPublicKeys []string `json:"ssh_public_keys,omitempty"` // extension: keys not registered in the account
	UserData      string   `json:"user_data,omitempty"`       // rendered cloud-init

	ResourceIdentifier string `json:"resourceIdentifier,omitempty"`
	OSIdentifier       string `json:"osIdentifier,omitempty"`
	DCIdentifier       string `json:"dcIdentifier,omitempty"`
	SSHKeyIdentifier   string `json:"sshKeyIdentifier,omitempty"`
	UserDataB          string `json:"userData,omitempty"`
	ProjectID          string `json:"projectId,omitempty"`
	AddPublicIPv4      string `json:"addPublicIpV4,omitempty"`

	Tags  []string `json:"tags,omitempty"`
	Notes string   `json:"notes,omitempty"`
	// Spot asks for a spot (interruptible) VM; creating from a spot offering has the same effect.
	Spot bool `json:"spot,omitempty"`
}

// Plan returns the offering id: offering_id, else resourceIdentifier.
func (r CreateVMRequest) Plan() string { return first(r.OfferingID, r.ResourceIdentifier) }

// Datacenter returns datacenter_id, else dcIdentifier.
func (r CreateVMRequest) Datacenter() string { return first(r.DatacenterID, r.DCIdentifier) }

// Image returns os_image_id, else osIdentifier.
func (r CreateVMRequest) Image() string { return first(r.OSImageID, r.OSIdentifier) }

// Script returns the user data: user_data, else userData.
func (r CreateVMRequest) Script() string { return first(r.UserData, r.UserDataB) }

// SSHKeys returns ssh_key_ids plus sshKeyIdentifier.
func (r CreateVMRequest) SSHKeys() []string {
	keys := append([]string(nil), r.SSHKeyIDs...)
	if r.SSHKeyIdentifier != "" {
		keys = append(keys, r.SSHKeyIdentifier)
	}
	return keys
}

// DeleteVMRequest is shape B's body of DELETE /api/v2/vm.
type DeleteVMRequest struct {
	VMIdentifier    string          `json:"vmIdentifier"`
	Password        string          `json:"password,omitempty"`
	DeleteStatistic DeleteStatistic `json:"deleteStatistic"`
}

// DeleteStatistic is why a VM was deleted (shape B).
type DeleteStatistic struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// VMActionRequest is shape A's POST /vm/{id}/action body.
type VMActionRequest struct {
	Action string `json:"action"`
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
