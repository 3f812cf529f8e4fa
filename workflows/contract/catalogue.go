package contract

// CatalogueWorkflowID is the one catalogue refresh of a cluster: concurrent refreshes
// attach to the running one.
func CatalogueWorkflowID(cluster string) string { return "catalogue/" + cluster }

// OperationCatalogue is the Operation search attribute of catalogue refreshes.
const OperationCatalogue = "Catalogue"

// Offering is a VPSie plan as the planner needs it.
type Offering struct {
	ID           string  `json:"id"`
	CPU          int     `json:"cpu"`
	RAMMB        int     `json:"ramMB"`
	DiskGB       int     `json:"diskGB"`
	MonthlyPrice float64 `json:"monthlyPrice"`
	// DatacenterID is the one datacenter it is sold in; empty means every datacenter.
	DatacenterID string `json:"datacenterID,omitempty"`
	Spot         bool   `json:"spot,omitempty"`
}

// Catalogue is what the API sells: offerings and datacenters that are available.
type Catalogue struct {
	Offerings   []Offering `json:"offerings"`
	Datacenters []string   `json:"datacenters"`
}
