package vpsie_test

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// isVMList tells a VM listing (the hostname lookup) of either shape.
func isVMList(r *http.Request) bool {
	return r.Method == http.MethodGet &&
		(r.URL.Path == vpsieapi.PrefixA+vpsieapi.PathAVMs || r.URL.Path == vpsieapi.PathBVMs)
}

func isVMCreate(r *http.Request) bool {
	return r.Method == http.MethodPost &&
		(r.URL.Path == vpsieapi.PrefixA+vpsieapi.PathAVMs || r.URL.Path == vpsieapi.PathBVMs)
}

// lookupsFailAfterCreate answers every VM listing with 503 once a create has been sent.
func lookupsFailAfterCreate(next http.Handler) http.Handler {
	var posted atomic.Bool
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isVMCreate(r) {
			posted.Store(true)
		}
		if posted.Load() && isVMList(r) {
			http.Error(w, `{"error":true,"message":"unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func TestAmbiguousCreateIsNotPostedAgainWhenTheLookupFails(t *testing.T) {
	cfg := envConfig{wrap: lookupsFailAfterCreate,
		sim: faultAll(vpsiesim.OpCreateVM, vpsiesim.EndpointFaults{LostResponseRate: 1}),
		client: func(o *vpsie.Options) {
			o.Breaker.ConsecutiveFailures = 100
		}}
	inEachShape(t, cfg, func(t *testing.T, e *env) {
		_, err := e.client.CreateVM(e.ctx(), createRequest("dup-1"))
		if err == nil || !vpsie.IsRetryable(e.check(err)) {
			t.Fatalf("err = %v, want a retryable error", err)
		}
		st := e.sim.Snapshot()
		if st.Creates("dup-1") != 1 || st.CallCount(vpsiesim.OpCreateVM) != 1 {
			t.Fatalf("creates = %d, create calls = %d; want 1 and 1: the POST was sent again on a guess",
				st.Creates("dup-1"), st.CallCount(vpsiesim.OpCreateVM))
		}
	})
}

// createAnsweredWithoutIdentity answers every create like shape B (no VM in the answer) and hides the created VM
// from the first hiddenLookups listings after it, as a listing that lags behind the create.
func createAnsweredWithoutIdentity(hiddenLookups int32) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var posted atomic.Bool
		var hidden atomic.Int32
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case isVMCreate(r):
				next.ServeHTTP(discard{header: http.Header{}}, r)
				posted.Store(true)
				_, _ = w.Write([]byte(`{"error":false,"code":200,"message":"created"}`))
			case posted.Load() && isVMList(r) && hidden.Add(1) <= hiddenLookups:
				_, _ = w.Write([]byte(`{"error":false,"data":[]}`))
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

func TestAcceptedCreateIsNeverPostedAgain(t *testing.T) {
	tests := []struct {
		name          string
		hiddenLookups int32
		wantErr       bool
	}{
		{name: "listing lags two lookups: found", hiddenLookups: 2},
		{name: "listing never shows it: unconfirmed, not retryable, no second POST", hiddenLookups: 1000,
			wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envConfig{shape: vpsie.ShapeB, wrap: createAnsweredWithoutIdentity(tt.hiddenLookups)})
			vm, err := e.client.CreateVM(e.ctx(), createRequest("lag-1"))
			if tt.wantErr {
				if !errors.Is(e.check(err), vpsie.ErrCreateUnconfirmed) || vpsie.IsRetryable(err) {
					t.Fatalf("err = %v, want create_unconfirmed and not retryable (a retry could POST again)", err)
				}
			} else if e.must(err); vm.Hostname != "lag-1" {
				t.Fatalf("vm = %+v", vm)
			}
			if n := e.sim.Snapshot().Creates("lag-1"); n != 1 {
				t.Fatalf("%d creates of lag-1, want 1", n)
			}
		})
	}
}

func TestCreateDoesNotMistakeAVMBeingDeletedForItself(t *testing.T) {
	e := newEnv(t, envConfig{sim: func(c *vpsiesim.Config) { c.DeleteDelay = time.Hour }})
	old, err := e.client.CreateVM(e.ctx(), createRequest("reuse-1"))
	e.must(err)
	e.must(e.client.DeleteVM(e.ctx(), old.Identifier))
	vm, err := e.client.CreateVM(e.ctx(), createRequest("reuse-1"))
	e.must(err)
	if vm.Identifier == old.Identifier || e.sim.Snapshot().Creates("reuse-1") != 2 {
		t.Fatalf("got %s (old %s), creates %d: the deleting VM was returned as the new one", vm.Identifier,
			old.Identifier, e.sim.Snapshot().Creates("reuse-1"))
	}
}

// pagedDatacenters serves datacenter listings of shape A in pages of one, reporting totalPages but never
// current_page, and counts the requests.
func pagedDatacenters(totalPages int, requests *atomic.Int32) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != vpsieapi.PrefixA+vpsieapi.PathADatacenter {
				next.ServeHTTP(w, r)
				return
			}
			requests.Add(1)
			page, _ := strconv.Atoi(r.URL.Query().Get(vpsie.QueryPage))
			page = max(page, 1)
			_, _ = fmt.Fprintf(w, `{"error":false,"data":[{"id":"dc-%d","dc_name":"dc-%d","identifier":"dc-%d"}],`+
				`"pagination":{"total_pages":%d}}`, page, page, page, totalPages)
		})
	}
}

func TestListingFollowsPagesByItsOwnCount(t *testing.T) {
	var requests atomic.Int32
	e := newEnv(t, envConfig{shape: vpsie.ShapeA, wrap: pagedDatacenters(3, &requests)})
	dcs, err := e.client.ListDatacenters(e.ctx())
	e.must(err)
	if len(dcs) != 3 || requests.Load() != 3 {
		t.Fatalf("%d datacenters in %d requests, want 3 in 3", len(dcs), requests.Load())
	}
}

func TestListingLongerThanThePageBoundIsAnErrorNotAPartialList(t *testing.T) {
	var requests atomic.Int32
	e := newEnv(t, envConfig{shape: vpsie.ShapeA, wrap: pagedDatacenters(1000, &requests)})
	dcs, err := e.client.ListDatacenters(e.ctx())
	if err == nil || errors.Is(err, vpsie.ErrNotFound) {
		t.Fatalf("got %d datacenters and err %v, want an error", len(dcs), err)
	}
	e.check(err)
	if requests.Load() != 100 {
		t.Fatalf("%d requests, want the bound of 100", requests.Load())
	}
}
