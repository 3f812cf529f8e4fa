package vpsiesim_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestVMGoesCreatingRunningDeletingGoneInShapeA(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	vm := h.createA(token, vmReq("worker-a-1", "cluster=dev"))
	steps := []struct {
		name       string
		advance    time.Duration
		action     func()
		wantStatus string
		wantHTTP   int
	}{
		{"just created", 0, nil, vpsieapi.StatusCreating, 200},
		{"before boot delay", bootDelay - time.Second, nil, vpsieapi.StatusCreating, 200},
		{"after boot delay", time.Second, nil, vpsieapi.StatusRunning, 200},
		{"delete requested", 0, func() {
			resp := h.do(request{method: "DELETE", path: "/v2/vm/" + vm.Identifier, header: bearer(token)})
			if resp.status != 200 {
				t.Fatalf("delete: %d %s", resp.status, resp.body)
			}
		}, vpsieapi.StatusDeleting, 200},
		{"gone after delete delay", deleteDelay, nil, "", 404},
	}
	for _, st := range steps {
		h.clock.Step(st.advance)
		if st.action != nil {
			st.action()
		}
		got, status := h.getA(token, vm.Identifier)
		if status != st.wantHTTP || got.Status != st.wantStatus {
			t.Fatalf("%s: got %d %q, want %d %q", st.name, status, got.Status, st.wantHTTP, st.wantStatus)
		}
	}
	state := h.sim.Snapshot()
	if len(state.VMs) != 0 || len(state.Deleted) != 1 || state.Deleted[0].Reason != vpsiesim.ReasonAPI ||
		state.Deleted[0].VM.Status != vpsieapi.StatusDeleted {
		t.Fatalf("state after delete: %d live, deleted %+v", len(state.VMs), state.Deleted)
	}
	if resp := h.do(request{method: "DELETE", path: "/v2/vm/" + vm.Identifier, header: bearer(token)}); resp.status != 404 {
		t.Fatalf("deleting a gone VM: %d, want 404", resp.status)
	}
}

func TestVMLifecycleInShapeB(t *testing.T) {
	h := newHarness(t)
	auth := vpsieAuth(h.loginB())
	resp := h.do(request{method: "POST", path: vpsieapi.PathBVMs, header: auth, json: vpsieapi.CreateVMRequest{
		Hostname: "worker-b-1", ResourceIdentifier: "std-1c-1g", DCIdentifier: "ams1", OSIdentifier: "debian-12-x64",
		UserDataB: "#cloud-config\n", Tags: []string{"pool=b"}}})
	var created vpsieapi.Envelope[vpsieapi.VM]
	resp.decode(t, &created)
	if resp.status != 200 || created.Data.Identifier == "" || created.Data.DCIdentifier != "ams1" {
		t.Fatalf("create: %d %s", resp.status, resp.body)
	}
	h.clock.Step(bootDelay)
	resp = h.do(request{method: "GET", path: vpsieapi.PathBVMs + "/" + created.Data.Identifier, header: auth})
	var got vpsieapi.Envelope[vpsieapi.VMDetail]
	resp.decode(t, &got)
	if got.Data.VMData.Status != vpsieapi.StatusRunning || got.Data.VMData.Power != 1 || len(got.Data.VMTags) != 1 {
		t.Fatalf("get: %s", resp.body)
	}
	resp = h.do(request{method: "DELETE", path: vpsieapi.PathBVMs, header: auth, json: deleteB(created.Data.Identifier)})
	if resp.status != 200 {
		t.Fatalf("delete: %d %s", resp.status, resp.body)
	}
	h.clock.Step(deleteDelay)
	resp = h.do(request{method: "GET", path: vpsieapi.PathBVMs + "/" + created.Data.Identifier, header: auth})
	if e := resp.errorBody(t); resp.status != 404 || e.Reason != vpsieapi.ReasonNotFound {
		t.Fatalf("get after delete: %d %s", resp.status, resp.body)
	}
}

func TestUnknownVMIs404WithTheVPSieErrorBodyInBothShapes(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	for _, req := range []request{
		{method: "GET", path: "/v2/vm/12345", header: bearer(token)},
		{method: "DELETE", path: "/v2/vm/no-such-vm", header: bearer(token)},
		{method: "GET", path: "/api/v2/vm/no-such-vm", header: vpsieAuth(token)},
		{method: "DELETE", path: "/api/v2/vm", header: vpsieAuth(token), json: deleteB("no-such-vm")},
	} {
		resp := h.do(req)
		if e := resp.errorBody(t); resp.status != http.StatusNotFound || e.Code != 404 || e.Reason != vpsieapi.ReasonNotFound {
			t.Errorf("%s %s: %d %s", req.method, req.path, resp.status, resp.body)
		}
	}
}

func TestUnknownRouteIsPlain404WithoutAVPSieErrorBody(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	for _, req := range []request{
		{method: "GET", path: "/v2/no-such-endpoint", header: bearer(token)},
		{method: "GET", path: "/api/v2/no-such-endpoint", header: vpsieAuth(token)},
		{method: "DELETE", path: "/api/v2/vm/some-id", header: vpsieAuth(token)}, // shape B deletes on the collection
		{method: "PUT", path: "/v2/vm", header: bearer(token)},
		{method: "GET", path: "/admin/no-such-endpoint"},
	} {
		resp := h.do(req)
		if resp.status != http.StatusNotFound || string(resp.body) != "404 page not found\n" ||
			strings.Contains(resp.header.Get("Content-Type"), "json") {
			t.Errorf("%s %s: %d %q (%s)", req.method, req.path, resp.status, resp.body, resp.header.Get("Content-Type"))
		}
	}
	if n := h.sim.Snapshot().CallCount(vpsiesim.OpUnknown); n != 4 {
		t.Fatalf("calls to unknown API paths counted %d, want 4", n)
	}
}

func TestCreateValidationNamesTheFieldInTheCallersShape(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	valid := vmReq("ok-host")
	tests := []struct {
		name      string
		path      string
		mutate    func(*vpsieapi.CreateVMRequest)
		wantField string
	}{
		{"missing hostname", "/v2/vm", func(r *vpsieapi.CreateVMRequest) { r.Hostname = "" }, "hostname"},
		{"hostname not a DNS name", "/v2/vm", func(r *vpsieapi.CreateVMRequest) { r.Hostname = "Bad_Host" }, "hostname"},
		{"unknown offering A", "/v2/vm", func(r *vpsieapi.CreateVMRequest) { r.OfferingID = "huge" }, "offering_id"},
		{"unknown offering B", "/api/v2/vm", func(r *vpsieapi.CreateVMRequest) { r.OfferingID = "huge" }, "resourceIdentifier"},
		{"missing datacenter", "/v2/vm", func(r *vpsieapi.CreateVMRequest) { r.DatacenterID = "" }, "datacenter_id"},
		{"unknown image", "/v2/vm", func(r *vpsieapi.CreateVMRequest) { r.OSImageID = "windows" }, "os_image_id"},
		{"empty tag", "/v2/vm", func(r *vpsieapi.CreateVMRequest) { r.Tags = []string{""} }, "tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := valid
			tt.mutate(&req)
			resp := h.do(request{method: "POST", path: tt.path, header: authFor(tt.path, token), json: req})
			if e := resp.errorBody(t); resp.status != 400 || e.Field != tt.wantField {
				t.Fatalf("got %d field %q, want 400 %q: %s", resp.status, e.Field, tt.wantField, resp.body)
			}
		})
	}
	if n := len(h.sim.Snapshot().VMs); n != 0 {
		t.Fatalf("invalid requests created %d VMs", n)
	}
}

func TestFailedBootsEndInFailedStatus(t *testing.T) {
	h := newHarness(t, func(c *vpsiesim.Config) { c.Faults.FailNextBoots = 1 })
	token := h.loginA()
	failing, healthy := h.createA(token, vmReq("boot-fails")), h.createA(token, vmReq("boot-works"))
	h.clock.Step(bootDelay)
	if vm, _ := h.getA(token, failing.Identifier); vm.Status != vpsieapi.StatusFailed || vm.Power != 0 {
		t.Fatalf("first VM: %q power %d, want failed", vm.Status, vm.Power)
	}
	if vm, _ := h.getA(token, healthy.Identifier); vm.Status != vpsieapi.StatusRunning {
		t.Fatalf("second VM: %q, want running", vm.Status)
	}
}

func TestDuplicateCreatesMakeTwoVMsAndAreCounted(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	first, second := h.createA(token, vmReq("same-name")), h.createA(token, vmReq("same-name"))
	if first.Identifier == second.Identifier || first.ID == second.ID {
		t.Fatalf("duplicate create returned the same VM")
	}
	st := h.sim.Snapshot()
	if st.Creates("same-name") != 2 || len(st.VMsByHostname("same-name")) != 2 || len(st.Duplicates()) != 1 {
		t.Fatalf("creates=%d vms=%d duplicates=%v", st.Creates("same-name"), len(st.VMsByHostname("same-name")),
			st.Duplicates())
	}
	if st.CallCount(vpsiesim.OpCreateVM) != 2 || st.Calls[len(st.Calls)-1].Hostname != "same-name" {
		t.Fatalf("calls not recorded: %+v", st.Calls)
	}
}

// Benchmarks time each node from its create request and boot, so the snapshot keeps both at the clock's
// precision (the API's created_on has whole seconds), and a deleted VM keeps when it was created.
func TestSnapshotKeepsCreateAndRunningTimesToTheMillisecond(t *testing.T) {
	h := newHarness(t)
	token := h.loginA()
	h.clock.Step(250 * time.Millisecond)
	created := h.clock.Now()
	vm := h.createA(token, vmReq("worker-t-1", "cluster=dev"))
	if got := h.sim.Snapshot().VMs[0]; !got.CreatedAt.Equal(created) || !got.RunningAt.IsZero() {
		t.Fatalf("while creating: created %s running %s, want created %s and not running", got.CreatedAt,
			got.RunningAt, created)
	}
	// Looked at later than the boot: the VM still turned running at its boot time.
	h.clock.Step(bootDelay + 3*time.Second)
	if got := h.sim.Snapshot().VMs[0]; !got.RunningAt.Equal(created.Add(bootDelay)) {
		t.Fatalf("running at %s, want %s", got.RunningAt, created.Add(bootDelay))
	}
	if resp := h.do(request{method: "DELETE", path: "/v2/vm/" + vm.Identifier, header: bearer(token)}); resp.status != 200 {
		t.Fatalf("delete: %d %s", resp.status, resp.body)
	}
	h.clock.Step(deleteDelay)
	if got := h.sim.Snapshot().Deleted; len(got) != 1 || !got[0].CreatedAt.Equal(created) {
		t.Fatalf("deleted %+v, want one created at %s", got, created)
	}
}
