package vpsiesim_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// listTotal is the number of items in the whole listing: shape A's pagination total or shape B's total.
func listTotal[T any](t *testing.T, env vpsieapi.Envelope[T]) int {
	t.Helper()
	switch {
	case env.Pagination != nil:
		return env.Pagination.Total
	case env.Total != nil:
		return *env.Total
	}
	t.Fatal("list has neither pagination nor total")
	return 0
}

// listVMs makes one list request and returns its envelope; any status but 200 fails the test.
func (h *harness) listVMs(path, token string) vpsieapi.Envelope[[]vpsieapi.VM] {
	h.t.Helper()
	resp := h.do(request{method: "GET", path: path, header: authFor(path, token)})
	if resp.status != http.StatusOK {
		h.t.Fatalf("GET %s: %d %s", path, resp.status, resp.body)
	}
	var env vpsieapi.Envelope[[]vpsieapi.VM]
	resp.decode(h.t, &env)
	return env
}

func hostnames(vms []vpsieapi.VM) []string {
	out := []string{}
	for _, vm := range vms {
		out = append(out, vm.Hostname)
	}
	return out
}

// fiveVMs makes a simulator with pages of 2 and VMs vm-1 ... vm-5, created in that order.
func fiveVMs(t *testing.T) (*harness, string) {
	h := newHarness(t, func(c *vpsiesim.Config) { c.PageSize = 2 })
	token := h.loginA()
	for i := 1; i <= 5; i++ {
		h.createA(token, vmReq(fmt.Sprintf("vm-%d", i)))
	}
	return h, token
}

func TestShapeAListsArePagedByPageNumberInCreationOrder(t *testing.T) {
	h, token := fiveVMs(t)
	tests := []struct {
		query string
		want  []string
		page  int
	}{
		{"", []string{"vm-1", "vm-2"}, 1},
		{"?page=1", []string{"vm-1", "vm-2"}, 1},
		{"?page=2", []string{"vm-3", "vm-4"}, 2},
		{"?page=3", []string{"vm-5"}, 3},
		{"?page=4", []string{}, 4},
		{"?page=2&offset=0&limit=5", []string{"vm-3", "vm-4"}, 2}, // shape B's parameters mean nothing here
	}
	for _, tt := range tests {
		t.Run("query "+tt.query, func(t *testing.T) {
			env := h.listVMs("/v2/vm"+tt.query, token)
			want := vpsieapi.Pagination{Total: 5, Count: len(tt.want), PerPage: 2, CurrentPage: tt.page, TotalPages: 3}
			if got := hostnames(env.Data); !slices.Equal(got, tt.want) || env.Pagination == nil || *env.Pagination != want {
				t.Fatalf("got %v %+v, want %v %+v", got, env.Pagination, tt.want, want)
			}
		})
	}
}

func TestShapeBListsArePagedByItemOffsetAndLimit(t *testing.T) {
	h, token := fiveVMs(t)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"no offset is the first page only", "", []string{"vm-1", "vm-2"}},
		{"item offset, not page number", "?offset=1", []string{"vm-2", "vm-3"}},
		{"last items", "?offset=4", []string{"vm-5"}},
		{"smaller limit", "?offset=2&limit=1", []string{"vm-3"}},
		{"limit capped at the page size", "?limit=100", []string{"vm-1", "vm-2"}},
		{"past the end", "?offset=9", []string{}},
		{"shape A's page means nothing here", "?page=3", []string{"vm-1", "vm-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := h.listVMs("/api/v2/vm"+tt.query, token)
			if got := hostnames(env.Data); !slices.Equal(got, tt.want) || env.Total == nil || *env.Total != 5 {
				t.Fatalf("got %v total %v, want %v total 5", got, env.Total, tt.want)
			}
		})
	}
}

func TestMalformedPagingIsAValidationErrorNamingTheParameter(t *testing.T) {
	h, token := fiveVMs(t)
	tests := []struct{ path, field string }{
		{"/v2/vm?page=0", "page"},
		{"/v2/vm?page=x", "page"},
		{"/api/v2/vm?offset=-1", "offset"},
		{"/api/v2/vm?limit=0", "limit"},
		{"/apps/v2/datacenter?limit=many", "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp := h.do(request{method: "GET", path: tt.path, header: authFor(tt.path, token)})
			if e := resp.errorBody(t); resp.status != http.StatusBadRequest || e.Field != tt.field {
				t.Fatalf("got %d %s, want 400 on %s", resp.status, resp.body, tt.field)
			}
		})
	}
	if n := h.sim.Snapshot().ListLookups; n != 0 {
		t.Fatalf("refused list requests counted %d lookups", n)
	}
}

func TestCatalogueListsArePagedLikeVMLists(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	total := len(vpsiesim.DefaultCatalogue().Offerings)
	rest := total - vpsiesim.DefaultPageSize
	tests := []struct {
		name string
		req  request
	}{
		{"A offerings page 2", request{method: "GET", path: "/v2/offerings?page=2", header: bearer(token)}},
		{"B resources from offset 25", request{method: "GET", path: "/apps/v2/resources?offset=25", header: vpsieAuth(token)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(tt.req)
			var env vpsieapi.Envelope[[]vpsieapi.Offering]
			resp.decode(t, &env)
			if resp.status != http.StatusOK || len(env.Data) != rest || listTotal(t, env) != total {
				t.Fatalf("got %d with %d items of %d, want %d of %d", resp.status, len(env.Data), listTotal(t, env),
					rest, total)
			}
		})
	}
}
