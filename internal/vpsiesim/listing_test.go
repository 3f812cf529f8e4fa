package vpsiesim_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// lookup is one VM list request after some time passed, and whether it should show the new VM.
type lookup struct {
	advance time.Duration
	path    string
	shown   bool
}

func TestNewVMShowsInListingsOnlyAfterTheLag(t *testing.T) {
	tests := []struct {
		name    string
		realism func(*vpsiesim.Config)
		lookups []lookup
	}{
		{"no lag by default", func(*vpsiesim.Config) {}, []lookup{{0, "/v2/vm", true}}},
		{"lag in lookups counts every list request of either shape, filter or page",
			func(c *vpsiesim.Config) { c.ListingLagLookups = 3 }, []lookup{
				{0, "/v2/vm?hostname=fresh", false},
				{0, "/api/v2/vm", false},
				{0, "/v2/vm?hostname=someone-else&page=2", false},
				{0, "/v2/vm?hostname=fresh", true},
				{0, "/api/v2/vm", true},
			}},
		{"lag in time", func(c *vpsiesim.Config) { c.ListingLag = 5 * time.Second }, []lookup{
			{0, "/v2/vm", false},
			{4 * time.Second, "/api/v2/vm?hostname=fresh", false},
			{time.Second, "/api/v2/vm?hostname=fresh", true},
		}},
		{"with both, both must pass", func(c *vpsiesim.Config) { c.ListingLag, c.ListingLagLookups = 5*time.Second, 1 },
			[]lookup{
				{0, "/v2/vm", false},
				{0, "/v2/vm", false},
				{5 * time.Second, "/v2/vm", true},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.realism)
			token := h.loginA()
			vm := h.createA(token, vmReq("fresh"))
			for i, l := range tt.lookups {
				h.clock.Step(l.advance)
				shown := slices.Contains(hostnames(h.listVMs(l.path, token).Data), "fresh")
				if shown != l.shown {
					t.Fatalf("lookup %d (%s): shown=%v, want %v", i+1, l.path, shown, l.shown)
				}
				// The VM itself is never lagged: whoever created it can read it back at once.
				if _, status := h.getA(token, vm.Identifier); status != http.StatusOK {
					t.Fatalf("GET by id during the listing lag: %d", status)
				}
			}
		})
	}
}

func TestListingLagDoesNotHideVMsListedBeforeItWasSet(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	h.createA(token, vmReq("old"))
	if err := h.sim.SetRealism(vpsiesim.Realism{ListingLagLookups: 1}); err != nil {
		t.Fatal(err)
	}
	h.createA(token, vmReq("new"))
	if got := hostnames(h.listVMs("/v2/vm", token).Data); !slices.Equal(got, []string{"old"}) {
		t.Fatalf("first listing after the lag was set: %v, want only the old VM", got)
	}
	if got := hostnames(h.listVMs("/v2/vm", token).Data); !slices.Equal(got, []string{"old", "new"}) {
		t.Fatalf("second listing: %v, want both", got)
	}
}

func TestShapeBListingsCarryNoTagsOnlyTheDetailDoes(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	vm := h.createA(token, vmReq("tagged", "cluster=dev", "nodegroup=a"))
	want := []string{"cluster=dev", "nodegroup=a"}

	if got := h.listVMs("/v2/vm", token).Data; len(got) != 1 || !slices.Equal(got[0].Tags, want) {
		t.Fatalf("shape A listing: %+v, want tags %v", got, want)
	}
	resp := h.do(request{method: "GET", path: "/api/v2/vm", header: vpsieAuth(token)})
	var raw vpsieapi.Envelope[[]map[string]any]
	resp.decode(t, &raw)
	if len(raw.Data) != 1 {
		t.Fatalf("shape B listing: %s", resp.body)
	}
	if tags, present := raw.Data[0]["tags"]; present && len(tags.([]any)) != 0 {
		t.Fatalf("shape B listing carries tags: %s", resp.body)
	}
	resp = h.do(request{method: "GET", path: "/api/v2/vm/" + vm.Identifier, header: vpsieAuth(token)})
	var detail vpsieapi.Envelope[vpsieapi.VMDetail]
	resp.decode(t, &detail)
	if !slices.Equal(detail.Data.VMTags, want) || len(detail.Data.VMData.Tags) != 0 {
		t.Fatalf("shape B detail: vmTags %v, vmData.tags %v; want the tags in vmTags only", detail.Data.VMTags,
			detail.Data.VMData.Tags)
	}
}
