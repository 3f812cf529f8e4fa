package vpsie_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// pagedVMsB serves shape B's VM listing of total items, giving at most perPage from the requested offset, and
// records each request's query. ignoreOffset serves from the start every time, as a server without pagination
// would; stopAfter, when > 0, answers empty pages once that many items were served.
type pagedVMsB struct {
	total, perPage, stopAfter int
	ignoreOffset              bool

	mu      sync.Mutex
	queries []string
	served  int
}

func (p *pagedVMsB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queries = append(p.queries, r.URL.RawQuery)
	from, _ := strconv.Atoi(r.URL.Query().Get(vpsie.QueryOffset))
	if p.ignoreOffset {
		from = 0
	}
	var items []string
	for i := from; i < p.total && len(items) < p.perPage && (p.stopAfter == 0 || p.served < p.stopAfter); i++ {
		items = append(items, fmt.Sprintf(`{"identifier":"vm-%d","hostname":"h-%d"}`, i, i))
		p.served++
	}
	_, _ = fmt.Fprintf(w, `{"error":false,"data":[%s],"total":%d}`, strings.Join(items, ","), p.total)
}

func (p *pagedVMsB) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.queries...)
}

func TestShapeBListingFollowsOffsetsUntilTotal(t *testing.T) {
	tests := []struct {
		name        string
		server      *pagedVMsB
		wantVMs     int
		wantQueries []string // nil: not checked
		wantErr     string
	}{
		{name: "one item per page: three requests, three items",
			server: &pagedVMsB{total: 3, perPage: 1}, wantVMs: 3,
			wantQueries: []string{"limit=100&offset=0", "limit=100&offset=1", "limit=100&offset=2"}},
		{name: "the whole listing in one page", server: &pagedVMsB{total: 3, perPage: 100}, wantVMs: 3,
			wantQueries: []string{"limit=100&offset=0"}},
		{name: "empty listing", server: &pagedVMsB{total: 0, perPage: 100}, wantVMs: 0},
		{name: "an empty page before total: error, not a partial list",
			server: &pagedVMsB{total: 3, perPage: 1, stopAfter: 1}, wantErr: "listing incomplete: read 1 of 3"},
		{name: "a server that ignores the offset: error, not duplicates",
			server: &pagedVMsB{total: 3, perPage: 1, ignoreOffset: true}, wantErr: "page 2 repeats page 1"},
		{name: "more than the page bound: error",
			server: &pagedVMsB{total: 1000, perPage: 1}, wantErr: "more than 100 pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeAPI(t, vpsie.ShapeB,
				map[string]http.HandlerFunc{vmsPattern(vpsie.ShapeB, http.MethodGet): tt.server.ServeHTTP})
			vms, err := c.ListVMs(t.Context(), vpsie.VMFilter{})
			if tt.wantErr != "" {
				if vms != nil || !errors.Is(err, vpsie.ErrTransient) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %d vms, err %v; want no list and a transient %q", len(vms), err, tt.wantErr)
				}
				return
			}
			if err != nil || len(vms) != tt.wantVMs {
				t.Fatalf("got %d vms, err %v; want %d", len(vms), err, tt.wantVMs)
			}
			if got := tt.server.requests(); tt.wantQueries != nil && !slices.Equal(got, tt.wantQueries) {
				t.Fatalf("queries %q, want %q", got, tt.wantQueries)
			}
		})
	}
}

func TestShapeBListingWithoutTotalIsOnePage(t *testing.T) {
	for _, body := range []string{`{"error":false,"data":[{"identifier":"a"},{"identifier":"b"}]}`,
		`[{"identifier":"a"},{"identifier":"b"}]`} {
		c := fakeAPI(t, vpsie.ShapeB,
			map[string]http.HandlerFunc{vmsPattern(vpsie.ShapeB, http.MethodGet): answer(http.StatusOK, body)})
		vms, err := c.ListVMs(t.Context(), vpsie.VMFilter{})
		if err != nil || len(vms) != 2 {
			t.Fatalf("%s: got %d vms, err %v; want 2", body, len(vms), err)
		}
	}
}

// pagedDatacentersA serves shape A's datacenter listing in pages of one, reporting total_pages (and total items
// when total > 0) but never current_page; pages from emptyFrom on are empty. It counts the requests.
type pagedDatacentersA struct {
	totalPages, total, emptyFrom int

	mu    sync.Mutex
	count int
}

func (p *pagedDatacentersA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.count++
	p.mu.Unlock()
	page, _ := strconv.Atoi(r.URL.Query().Get(vpsie.QueryPage))
	page = max(page, 1)
	data := fmt.Sprintf(`{"id":"dc-%d","dc_name":"dc-%d"}`, page, page)
	if p.emptyFrom > 0 && page >= p.emptyFrom {
		data = ""
	}
	_, _ = fmt.Fprintf(w, `{"error":false,"data":[%s],"pagination":{"total_pages":%d,"total":%d}}`, data,
		p.totalPages, p.total)
}

func (p *pagedDatacentersA) requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count
}

func TestShapeAListingFollowsPagesByItsOwnCount(t *testing.T) {
	tests := []struct {
		name         string
		server       *pagedDatacentersA
		wantDCs      int
		wantRequests int
		wantErr      string
	}{
		{name: "three pages", server: &pagedDatacentersA{totalPages: 3}, wantDCs: 3, wantRequests: 3},
		{name: "an empty page before the last: error", server: &pagedDatacentersA{totalPages: 3, emptyFrom: 2},
			wantRequests: 2, wantErr: "page 2 of 3 is empty"},
		{name: "an empty last page short of total: error",
			server: &pagedDatacentersA{totalPages: 3, total: 3, emptyFrom: 3}, wantRequests: 3,
			wantErr: "read 2 of 3"},
		{name: "longer than the page bound: error", server: &pagedDatacentersA{totalPages: 1000},
			wantRequests: 100, wantErr: "more than 100 pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeAPI(t, vpsie.ShapeA, map[string]http.HandlerFunc{
				"GET " + vpsieapi.PrefixA + vpsieapi.PathADatacenter: tt.server.ServeHTTP})
			dcs, err := c.ListDatacenters(t.Context())
			switch {
			case tt.wantErr != "" && (dcs != nil || !errors.Is(err, vpsie.ErrTransient) ||
				!strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got %d datacenters, err %v; want no list and a transient %q", len(dcs), err, tt.wantErr)
			case tt.wantErr == "" && (err != nil || len(dcs) != tt.wantDCs):
				t.Fatalf("got %d datacenters, err %v; want %d", len(dcs), err, tt.wantDCs)
			case tt.server.requests() != tt.wantRequests:
				t.Fatalf("%d requests, want %d", tt.server.requests(), tt.wantRequests)
			}
		})
	}
}

// The client filters a listing again by hostname, and by tags where the listing carries them: shape B's listings
// never carry tags, so there the API's tag filter is trusted rather than every VM dropped.
func TestListVMsFiltersAgainWhatTheListingShows(t *testing.T) {
	const listing = `{"error":false,"data":[{"identifier":"a","hostname":"h-1","tags":["cluster:c1"]},` +
		`{"identifier":"b","hostname":"h-2","tags":[]},{"identifier":"c","hostname":"H-1","tags":[]}],"total":3}`
	tests := []struct {
		name   string
		shape  vpsie.Shape
		filter vpsie.VMFilter
		want   []string
	}{
		{"shape A by tag", vpsie.ShapeA, vpsie.VMFilter{Tags: []string{"cluster:c1"}}, []string{"a"}},
		{"shape B by tag: the API's filter stands", vpsie.ShapeB, vpsie.VMFilter{Tags: []string{"cluster:c1"}},
			[]string{"a", "b", "c"}},
		{"shape A by hostname, any case", vpsie.ShapeA, vpsie.VMFilter{Hostname: "h-1"}, []string{"a", "c"}},
		{"shape B by hostname, any case", vpsie.ShapeB, vpsie.VMFilter{Hostname: "h-1"}, []string{"a", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeAPI(t, tt.shape,
				map[string]http.HandlerFunc{vmsPattern(tt.shape, http.MethodGet): answer(http.StatusOK, listing)})
			vms, err := c.ListVMs(t.Context(), tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, vm := range vms {
				got = append(got, vm.Identifier)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("listed %q, want %q", got, tt.want)
			}
		})
	}
}
