package vpsie

import "time"

// VMStatus is the lifecycle state of a VM. Values the client does not know pass through unchanged.
type VMStatus string

const (
	VMStatusCreating VMStatus = "creating"
	VMStatusRunning  VMStatus = "running"
	// VMStatusInterrupting: a spot VM got its interruption notice; see VM.InterruptAt.
	VMStatusInterrupting VMStatus = "interrupting"
	VMStatusDeleting     VMStatus = "deleting"
	VMStatusFailed       VMStatus = "failed"
	VMStatusUnknown      VMStatus = "unknown"
)

// VM is a virtual machine as the rest of the product sees it, independent of the API shape.
type VM struct {
	ID           int64  // numeric id (shape A's path key)
	Identifier   string // UUID: the key that works in both shapes, and the provider ID suffix
	Hostname     string
	Status       VMStatus
	IP           string
	IPv6         string
	OfferingID   string
	DatacenterID string
	ImageID      string
	CPU          int
	RAMMB        int
	DiskGB       int
	Tags         []string
	Spot         bool
	CreatedAt    time.Time
	InterruptAt  time.Time // zero unless Status is VMStatusInterrupting
}

// CreateVMRequest is what CreateVM needs. Hostname is the idempotency key: it must be deterministic per intended
// machine, so the caller, looking the hostname up before it creates again, finds the VM instead of making a second
// one.
type CreateVMRequest struct {
	Hostname      string
	OfferingID    string
	DatacenterID  string
	ImageID       string
	SSHKeyIDs     []string
	SSHPublicKeys []string
	UserData      string // rendered cloud-init; never logged
	Tags          []string
	Spot          bool
	ProjectID     string // shape B only
}

// VMFilter narrows ListVMs; all given tags must be present.
type VMFilter struct {
	Tags     []string
	Hostname string
}

// Offering is a plan: resources and price.
type Offering struct {
	ID           string
	Name         string
	CPU          int
	RAMMB        int
	DiskGB       int
	BandwidthGB  int
	MonthlyPrice float64
	HourlyPrice  float64
	DatacenterID string // empty: sold in every datacenter
	Spot         bool
	Available    bool
	Category     string
}

// Datacenter is a region VMs can be created in.
type Datacenter struct {
	ID        string
	Name      string
	Code      string
	Country   string
	City      string
	Available bool
}

// Image is an operating-system image.
type Image struct {
	ID           string
	Name         string
	Distribution string
	Version      string
	Architecture string
	MinDiskGB    int
	Available    bool
}
