package vpsiesim

import (
	"fmt"
	"math"
	"strconv"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Catalogue is what the cloud sells: datacenters, offerings (plans) and OS images.
type Catalogue struct {
	Datacenters []vpsieapi.Datacenter `json:"datacenters"`
	Offerings   []vpsieapi.Offering   `json:"offerings"`
	Images      []vpsieapi.Image      `json:"images"`
}

// spotDiscount is the fraction of the on-demand price a spot twin costs.
const spotDiscount = 0.4

// family is one category of plans and how it is priced.
type family struct {
	prefix, category, label string
	perCPU, perGB           float64
	sizes                   [][2]int // vCPU, GB of RAM
}

var families = []family{
	{"std", "standard", "Standard", 3, 2, [][2]int{{1, 1}, {1, 2}, {2, 2}, {2, 4}, {4, 8}, {8, 16}, {16, 32}, {32, 64}}},
	{"mem", "memory-optimized", "Memory", 2.5, 2.5, [][2]int{{2, 8}, {4, 16}, {8, 32}, {16, 64}, {32, 128}}},
	{"cpu", "cpu-optimized", "CPU", 6, 1.5, [][2]int{{4, 4}, {8, 8}, {16, 16}, {32, 32}}},
}

// DefaultCatalogue returns four datacenters, 17 on-demand plans from 1 vCPU/1 GB to 32 vCPU/128 GB each with a
// cheaper spot twin (34 offerings), and Ubuntu/Debian images.
func DefaultCatalogue() Catalogue {
	return Catalogue{Datacenters: defaultDatacenters(), Offerings: defaultOfferings(), Images: defaultImages()}
}

func defaultDatacenters() []vpsieapi.Datacenter {
	raw := []struct{ id, city, country, continent string }{
		{"tor1", "Toronto", "CA", "North America"},
		{"nyc1", "New York", "US", "North America"},
		{"ams1", "Amsterdam", "NL", "Europe"},
		{"fra1", "Frankfurt", "DE", "Europe"},
	}
	dcs := make([]vpsieapi.Datacenter, 0, len(raw))
	for i, r := range raw {
		dcs = append(dcs, vpsieapi.Datacenter{
			ID: r.id, Identifier: r.id, NumericID: int64(i + 1), Name: r.city, DCName: r.city, Code: r.id,
			Country: r.country, City: r.city, Continent: r.continent, State: r.city, Available: true, IsActive: 1,
			Featured: i == 0, Default: boolInt(i == 0),
		})
	}
	return dcs
}

func defaultOfferings() []vpsieapi.Offering {
	var out []vpsieapi.Offering
	for _, f := range families {
		for _, size := range f.sizes {
			cpu, gb := size[0], size[1]
			id := fmt.Sprintf("%s-%dc-%dg", f.prefix, cpu, gb)
			o := vpsieapi.Offering{
				ID: id, Identifier: id, BoxsizeID: int64(len(out) + 1),
				Name: fmt.Sprintf("%s %d vCPU / %d GB", f.label, cpu, gb),
				CPU:  cpu, RAM: gb * 1024, Disk: max(25, gb*20), Bandwidth: cpu * 1000,
				Price: cents(f.perCPU*float64(cpu) + f.perGB*float64(gb)), Available: true, Category: f.category,
			}
			o.HourlyPrice = hourly(o.Price)
			spot := o
			spot.ID, spot.Identifier, spot.BoxsizeID = id+"-spot", id+"-spot", int64(len(out)+2)
			spot.Name, spot.Spot = o.Name+" (spot)", true
			spot.Price = cents(o.Price * spotDiscount)
			spot.HourlyPrice = hourly(spot.Price)
			out = append(out, o, spot)
		}
	}
	return out
}

func defaultImages() []vpsieapi.Image {
	raw := [][3]string{{"ubuntu", "22.04", "Ubuntu"}, {"ubuntu", "24.04", "Ubuntu"}, {"debian", "12", "Debian"},
		{"debian", "13", "Debian"}}
	imgs := make([]vpsieapi.Image, 0, len(raw))
	for _, r := range raw {
		id := r[0] + "-" + r[1] + "-x64"
		imgs = append(imgs, vpsieapi.Image{ID: id, Identifier: id, Name: r[2] + " " + r[1], Version: r[1],
			Distribution: r[0], Architecture: "x86_64", MinDisk: 10, Available: true})
	}
	return imgs
}

// offering finds a plan by id or identifier.
func (c Catalogue) offering(id string) (vpsieapi.Offering, bool) {
	for _, o := range c.Offerings {
		if o.ID == id || o.Identifier == id {
			return o, true
		}
	}
	return vpsieapi.Offering{}, false
}

// datacenter finds a datacenter by id, identifier or numeric id.
func (c Catalogue) datacenter(id string) (vpsieapi.Datacenter, bool) {
	for _, d := range c.Datacenters {
		if d.ID == id || d.Identifier == id || strconv.FormatInt(d.NumericID, 10) == id {
			return d, true
		}
	}
	return vpsieapi.Datacenter{}, false
}

func (c Catalogue) image(id string) (vpsieapi.Image, bool) {
	for _, i := range c.Images {
		if i.ID == id || i.Identifier == id {
			return i, true
		}
	}
	return vpsieapi.Image{}, false
}

// offeringsIn lists the plans sold in a datacenter ("" = all).
func (c Catalogue) offeringsIn(dc string) []vpsieapi.Offering {
	out := []vpsieapi.Offering{}
	d, known := c.datacenter(dc)
	for _, o := range c.Offerings {
		if dc == "" || o.DatacenterID == "" || (known && (o.DatacenterID == d.ID || o.DatacenterID == d.Identifier)) {
			out = append(out, o)
		}
	}
	return out
}

// normalizeCapacity keys limits by datacenter id, whichever id form the caller used.
func (c Catalogue) normalizeCapacity(in map[string]Capacity) (map[string]Capacity, error) {
	out := make(map[string]Capacity, len(in))
	for key, limit := range in {
		dc, ok := c.datacenter(key)
		if !ok {
			return nil, fmt.Errorf("capacity for unknown datacenter %q", key)
		}
		if limit.VMs < 0 || limit.CPUs < 0 {
			return nil, fmt.Errorf("capacity for %q must not be negative", key)
		}
		out[dc.ID] = limit
	}
	return out, nil
}

func (c Catalogue) validate() error {
	if len(c.Datacenters) == 0 || len(c.Offerings) == 0 || len(c.Images) == 0 {
		return fmt.Errorf("catalogue needs at least one datacenter, offering and image")
	}
	return nil
}

func cents(v float64) float64  { return math.Round(v*100) / 100 }
func hourly(m float64) float64 { return math.Round(m/730*10000) / 10000 }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
