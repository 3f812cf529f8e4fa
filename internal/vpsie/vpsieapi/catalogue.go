package vpsieapi

// Offering is a plan (box size). Field names follow shape A's Offering; Identifier and BoxsizeID serve shape B.
// DatacenterID is empty when the plan is sold in every datacenter.
type Offering struct {
	ID           string  `json:"id"`
	Identifier   string  `json:"identifier"` // shape B's resourceIdentifier; same value as ID
	BoxsizeID    int64   `json:"boxsize_id"`
	Name         string  `json:"name"`
	CPU          int     `json:"cpu"`
	RAM          int     `json:"ram"`  // MB
	Disk         int     `json:"disk"` // GB
	Bandwidth    int     `json:"bandwidth"`
	Price        float64 `json:"price"` // per month
	HourlyPrice  float64 `json:"hourly_price"`
	Available    bool    `json:"available"`
	DatacenterID string  `json:"datacenter_id,omitempty"`
	Category     string  `json:"category"`
	// Spot marks an interruptible plan, cheaper than its on-demand twin.
	Spot bool `json:"spot"`
}

// Datacenter is the union of shape A's (id, name, code, ...) and shape B's (identifier, dc_name, is_active, ...).
type Datacenter struct {
	ID         string `json:"id"`
	Identifier string `json:"identifier"`
	NumericID  int64  `json:"numeric_id"` // what VM.DatacenterID holds
	Name       string `json:"name"`
	DCName     string `json:"dc_name"`
	Code       string `json:"code"`
	Country    string `json:"country"`
	City       string `json:"city"`
	Continent  string `json:"continent"`
	State      string `json:"state"`
	Available  bool   `json:"available"`
	IsActive   int    `json:"is_active"`
	Featured   bool   `json:"featured_dc"`
	Default    int    `json:"default_selected"`
}

// Image is an operating-system image (shape A's OSImage).
type Image struct {
	ID           string `json:"id"`
	Identifier   string `json:"identifier"`
	Name         string `json:"name"`
	Version      string `json:"version"`
	Distribution string `json:"distribution"`
	Architecture string `json:"architecture"`
	MinDisk      int    `json:"min_disk"`
	Available    bool   `json:"available"`
}

// ResourcesRequest is the form/JSON body of shape B's plan listing.
type ResourcesRequest struct {
	DCIdentifier      string `json:"dcIdentifier"`
	OSIdentifier      string `json:"osIdentifier,omitempty"`
	PlanCatIdentifier string `json:"planCatIdentifier,omitempty"`
}
