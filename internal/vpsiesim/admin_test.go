package vpsiesim_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestSpotInterruptionNoticeThenDeletion(t *testing.T) {
	h := newHarness(t, func(c *vpsiesim.Config) { c.InterruptionNotice = 20 * time.Second })
	token := h.loginA()
	spotReq := vmReq("spot-1", "cluster=dev")
	spotReq.OfferingID = "std-2c-4g-spot"
	spot := h.createA(token, spotReq)
	onDemand := h.createA(token, vmReq("on-demand-1"))
	if !spot.Spot || onDemand.Spot {
		t.Fatalf("spot flags: spot=%v on-demand=%v", spot.Spot, onDemand.Spot)
	}
	interrupt := func(id, body string) response {
		req := request{method: "POST", path: "/admin/vms/" + id + "/interrupt"}
		if body != "" {
			req.json = map[string]string{"notice": body}
		}
		return h.do(req)
	}
	if resp := interrupt(spot.Identifier, ""); resp.status != http.StatusConflict {
		t.Fatalf("interrupting a booting VM: %d", resp.status)
	}
	h.clock.Step(bootDelay)
	if resp := interrupt(onDemand.Identifier, ""); resp.status != http.StatusConflict {
		t.Fatalf("interrupting an on-demand VM: %d", resp.status)
	}
	if resp := interrupt(spot.Identifier, "5s"); resp.status != 200 {
		t.Fatalf("interrupt: %d %s", resp.status, resp.body)
	}
	vm, _ := h.getA(token, spot.Identifier)
	if vm.Status != vpsieapi.StatusInterrupting || vm.InterruptionNotice == "" {
		t.Fatalf("under notice: %+v", vm)
	}
	h.clock.Step(5 * time.Second)
	if vm, _ := h.getA(token, spot.Identifier); vm.Status != vpsieapi.StatusDeleting {
		t.Fatalf("after notice: %q, want deleting", vm.Status)
	}
	h.clock.Step(deleteDelay)
	if _, status := h.getA(token, spot.Identifier); status != 404 {
		t.Fatalf("after deletion: %d", status)
	}
	st := h.sim.Snapshot()
	if len(st.Deleted) != 1 || st.Deleted[0].Reason != vpsiesim.ReasonInterrupted {
		t.Fatalf("deleted: %+v", st.Deleted)
	}
}

func TestAdminStateListsVMsDeletedVMsAndCalls(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	vm := h.createA(token, vmReq("listed", "cluster=dev", "nodegroup=a"))
	h.getA(token, "999")
	resp := h.do(request{method: "GET", path: "/admin/state"})
	var st vpsiesim.State
	resp.decode(t, &st)
	if len(st.VMs) != 1 || st.VMs[0].VM.Identifier != vm.Identifier || len(st.VMsWithTag("nodegroup=a")) != 1 {
		t.Fatalf("vms: %+v", st.VMs)
	}
	want := []struct {
		op     string
		status int
	}{{vpsiesim.OpLogin, 200}, {vpsiesim.OpCreateVM, 200}, {vpsiesim.OpGetVM, 404}}
	if len(st.Calls) != len(want) {
		t.Fatalf("calls: %+v", st.Calls)
	}
	for i, w := range want {
		if c := st.Calls[i]; c.Op != w.op || c.Status != w.status || c.Method == "" || c.Path == "" || c.Time.IsZero() {
			t.Errorf("call %d = %+v, want %s %d", i, c, w.op, w.status)
		}
	}
	if st.Usage["tor1"].VMs != 1 || st.Capacity["tor1"].VMs == 0 {
		t.Fatalf("usage %v capacity %v", st.Usage, st.Capacity)
	}
	if resp := h.do(request{method: "POST", path: "/admin/reset"}); resp.status != 200 {
		t.Fatalf("reset: %d", resp.status)
	}
	if st := h.sim.Snapshot(); len(st.VMs) != 0 || len(st.Calls) != 0 {
		t.Fatalf("reset left %d VMs, %d calls", len(st.VMs), len(st.Calls))
	}
}

func TestAdminCapacityCanBeChangedAtRunTime(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	resp := h.do(request{method: "PUT", path: "/admin/capacity", json: map[string]vpsiesim.Capacity{"tor1": {VMs: 0, CPUs: 1}}})
	if resp.status != 200 {
		t.Fatalf("PUT capacity: %d %s", resp.status, resp.body)
	}
	resp = h.do(request{method: "POST", path: "/v2/vm", header: bearer(token), json: vmReq("too-big")})
	if !vpsieapi.IsCapacityExhausted(resp.status, resp.errorBody(t)) {
		t.Fatalf("got %d %s", resp.status, resp.body)
	}
	if resp := h.do(request{method: "PUT", path: "/admin/capacity", json: map[string]vpsiesim.Capacity{"mars1": {}}}); resp.status != 400 {
		t.Fatalf("unknown datacenter accepted: %d", resp.status)
	}
}

func TestAdminTokenRestrictsAdminEndpoints(t *testing.T) {
	h := newHarness(t, func(c *vpsiesim.Config) { c.AdminToken = "let-me-in" })
	if resp := h.do(request{method: "GET", path: "/admin/state"}); resp.status != 401 {
		t.Fatalf("without token: %d", resp.status)
	}
	resp := h.do(request{method: "GET", path: "/admin/state", header: map[string]string{"X-Admin-Token": "let-me-in"}})
	if resp.status != 200 {
		t.Fatalf("with token: %d", resp.status)
	}
}

func TestAdminRealismIsSetAtRunTimeAndShownInState(t *testing.T) {
	h := newHarness(t, func(c *vpsiesim.Config) { c.ListingLag = time.Second })
	token := h.loginA()
	defaults := vpsiesim.Realism{ListingLag: time.Second, PageSize: vpsiesim.DefaultPageSize,
		DeletedRetention: vpsiesim.DefaultDeletedRetention}
	steps := []struct {
		name       string
		req        request
		wantStatus int
		want       vpsiesim.Realism
	}{
		{"read", request{method: "GET", path: "/admin/realism"}, 200, defaults},
		{"PATCH changes only the knobs sent", request{method: "PATCH", path: "/admin/realism",
			json: map[string]any{"listing_lag_lookups": 2, "page_size": 1, "remove_nodes": true}}, 200,
			vpsiesim.Realism{ListingLag: time.Second, ListingLagLookups: 2, PageSize: 1,
				DeletedRetention: vpsiesim.DefaultDeletedRetention, RemoveNodes: true}},
		{"PUT replaces every knob, page size 0 is the default", request{method: "PUT", path: "/admin/realism",
			json: map[string]any{"listing_lag": "3s"}}, 200,
			vpsiesim.Realism{ListingLag: 3 * time.Second, PageSize: vpsiesim.DefaultPageSize}},
		{"negative knob refused", request{method: "PATCH", path: "/admin/realism",
			json: map[string]any{"page_size": -1}}, 400, vpsiesim.Realism{}},
		{"misspelt knob refused", request{method: "PATCH", path: "/admin/realism",
			json: map[string]any{"listing_lagg": "1s"}}, 400, vpsiesim.Realism{}},
		{"duration not a string refused", request{method: "PUT", path: "/admin/realism",
			json: map[string]any{"deleted_retention": 10}}, 400, vpsiesim.Realism{}},
	}
	last := defaults
	for _, st := range steps {
		resp := h.do(st.req)
		if resp.status != st.wantStatus {
			t.Fatalf("%s: %d %s", st.name, resp.status, resp.body)
		}
		if st.wantStatus != 200 {
			if e := resp.errorBody(t); e.Field != "realism" {
				t.Fatalf("%s: error on field %q: %s", st.name, e.Field, resp.body)
			}
		} else {
			var got vpsiesim.Realism
			resp.decode(t, &got)
			if got != st.want {
				t.Fatalf("%s: answered %+v, want %+v", st.name, got, st.want)
			}
			last = st.want
		}
		var state vpsiesim.State
		h.do(request{method: "GET", path: "/admin/state"}).decode(t, &state)
		if state.Realism != last {
			t.Fatalf("%s: /admin/state shows %+v, want %+v", st.name, state.Realism, last)
		}
	}
	h.createA(token, vmReq("lagged"))
	if got := h.listVMs("/v2/vm", token).Data; len(got) != 0 {
		t.Fatalf("listing lag set at run time not applied: %v", hostnames(got))
	}
	h.sim.Reset()
	if got := h.sim.Realism(); got != defaults {
		t.Fatalf("after reset: %+v, want the config's %+v", got, defaults)
	}
}
