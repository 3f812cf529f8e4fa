package vpsiesim_test

import (
	"net/http"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestDefaultCatalogueIsRealistic(t *testing.T) {
	cat := vpsiesim.DefaultCatalogue()
	if len(cat.Datacenters) < 3 || len(cat.Offerings) < 20 || len(cat.Images) < 3 {
		t.Fatalf("catalogue too small: %d datacenters, %d offerings, %d images",
			len(cat.Datacenters), len(cat.Offerings), len(cat.Images))
	}
	byID := map[string]vpsieapi.Offering{}
	var smallest, largest bool
	for _, o := range cat.Offerings {
		byID[o.ID] = o
		smallest = smallest || (o.CPU == 1 && o.RAM == 1024)
		largest = largest || (o.CPU == 32 && o.RAM == 128*1024)
		if o.Price <= 0 || o.HourlyPrice <= 0 || o.Disk <= 0 {
			t.Errorf("%s has no price or disk: %+v", o.ID, o)
		}
	}
	if !smallest || !largest {
		t.Fatalf("offerings do not span 1 vCPU/1 GB to 32 vCPU/128 GB")
	}
	for _, o := range cat.Offerings {
		if !o.Spot {
			continue
		}
		twin, ok := byID[o.ID[:len(o.ID)-len("-spot")]]
		if !ok || twin.Spot || o.Price >= twin.Price || o.CPU != twin.CPU {
			t.Errorf("spot offering %s is not a cheaper twin of an on-demand one", o.ID)
		}
	}
}

func TestCatalogueEndpointsServeBothShapes(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	total := len(vpsiesim.DefaultCatalogue().Offerings)
	tests := []struct {
		name string
		req  request
		want int
	}{
		{"A offerings", request{method: "GET", path: "/v2/offerings", header: bearer(token)}, total},
		{"A offerings in a datacenter", request{method: "GET", path: "/v2/offerings?datacenter_id=fra1", header: bearer(token)}, total},
		{"A datacenters", request{method: "GET", path: "/v2/datacenters", header: bearer(token)}, 4},
		{"A images", request{method: "GET", path: "/v2/images", header: bearer(token)}, 4},
		{"B datacenters", request{method: "GET", path: "/apps/v2/datacenter", header: vpsieAuth(token)}, 4},
		{"B resources (form)", request{method: "POST", path: "/apps/v2/resources", header: vpsieAuth(token),
			form: map[string][]string{"dcIdentifier": {"ams1"}}}, total},
		{"B resources (JSON)", request{method: "POST", path: "/apps/v2/resources", header: vpsieAuth(token),
			json: vpsieapi.ResourcesRequest{DCIdentifier: "nyc1"}}, total},
		{"B images", request{method: "GET", path: "/apps/v2/images", header: vpsieAuth(token)}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(tt.req)
			var env vpsieapi.Envelope[[]map[string]any]
			resp.decode(t, &env)
			// Catalogue lists are paged like VM lists: the first page, and the total of all items.
			if resp.status != http.StatusOK || env.Error || len(env.Data) != min(tt.want, vpsiesim.DefaultPageSize) {
				t.Fatalf("got %d with %d items, want the first page of %d", resp.status, len(env.Data), tt.want)
			}
			if total := listTotal(t, env); total != tt.want {
				t.Fatalf("list total %d, want %d", total, tt.want)
			}
		})
	}
	resp := h.do(request{method: "GET", path: "/v2/offerings/mem-32c-128g-spot", header: bearer(token)})
	var o vpsieapi.Offering
	resp.decode(t, &o)
	if o.CPU != 32 || !o.Spot {
		t.Fatalf("get offering: %s", resp.body)
	}
}

func TestCapacityExhaustedHasItsOwnStatusAndCode(t *testing.T) {
	h := newHarness(t, func(c *vpsiesim.Config) {
		c.Capacity = map[string]vpsiesim.Capacity{"tor1": {VMs: 2}, "nyc1": {CPUs: 3}}
	})
	token := h.loginA()
	create := func(hostname, dc string) response {
		req := vmReq(hostname)
		req.DatacenterID = dc
		return h.do(request{method: "POST", path: "/v2/vm", header: bearer(token), json: req})
	}
	a, _ := create("a", "tor1"), create("b", "tor1")
	var first vpsieapi.VM
	a.decode(t, &first)
	tests := []struct {
		name     string
		hostname string
		dc       string
		wantFull bool
	}{
		{"third VM in a 2-VM datacenter", "c", "tor1", true},
		{"other datacenter unaffected", "d", "ams1", false},
		{"first 2-vCPU VM fits 3 vCPUs", "e", "nyc1", false},
		{"second 2-vCPU VM exceeds 3 vCPUs", "f", "nyc1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := create(tt.hostname, tt.dc)
			if !tt.wantFull {
				if resp.status != 200 {
					t.Fatalf("got %d: %s", resp.status, resp.body)
				}
				return
			}
			e := resp.errorBody(t)
			if !vpsieapi.IsCapacityExhausted(resp.status, e) || e.Code != vpsieapi.CodeCapacityExhausted {
				t.Fatalf("got %d %+v, want capacity exhausted", resp.status, e)
			}
		})
	}
	// Capacity frees only when a deleted VM is gone.
	h.do(request{method: "DELETE", path: "/v2/vm/" + first.Identifier, header: bearer(token)})
	if resp := create("g", "tor1"); resp.status != vpsieapi.StatusCapacityExhausted {
		t.Fatalf("deleting VM released capacity early: %d", resp.status)
	}
	h.clock.Step(deleteDelay)
	if resp := create("g", "tor1"); resp.status != 200 {
		t.Fatalf("capacity not released after deletion: %d %s", resp.status, resp.body)
	}
}

func TestListVMsFiltersByTagAndHostname(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	h.createA(token, vmReq("a1", "cluster=dev", "nodegroup=a"))
	h.createA(token, vmReq("a2", "cluster=dev", "nodegroup=a"))
	h.createA(token, vmReq("b1", "cluster=dev", "nodegroup=b"))
	h.createA(token, vmReq("x1", "cluster=prod", "nodegroup=a"))
	tests := []struct {
		name  string
		path  string
		auth  map[string]string
		wantN int
	}{
		{"one tag", "/v2/vm?tag=cluster%3Ddev", bearer(token), 3},
		{"all tags must match", "/v2/vm?tag=cluster%3Ddev&tag=nodegroup%3Da", bearer(token), 2},
		{"shape B", "/api/v2/vm?tag=nodegroup%3Da", vpsieAuth(token), 3},
		{"hostname", "/v2/vm?hostname=b1", bearer(token), 1},
		{"no match", "/v2/vm?tag=cluster%3Dnone", bearer(token), 0},
		{"no filter", "/v2/vm", bearer(token), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(request{method: "GET", path: tt.path, header: tt.auth})
			var env vpsieapi.Envelope[[]vpsieapi.VM]
			resp.decode(t, &env)
			if len(env.Data) != tt.wantN {
				t.Fatalf("got %d VMs, want %d: %s", len(env.Data), tt.wantN, resp.body)
			}
		})
	}
}
