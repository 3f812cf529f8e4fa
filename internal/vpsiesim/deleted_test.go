package vpsiesim_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// listedStatus is the status both shapes' listings show for hostname, "" when neither lists it; the shapes
// must agree.
func (h *harness) listedStatus(token, hostname string) (status string, vm vpsieapi.VM) {
	h.t.Helper()
	var seen []string
	for _, path := range []string{"/v2/vm?hostname=" + hostname, "/api/v2/vm?hostname=" + hostname} {
		vms := h.listVMs(path, token).Data
		switch len(vms) {
		case 0:
			seen = append(seen, "")
		case 1:
			seen, vm = append(seen, vms[0].Status), vms[0]
		default:
			h.t.Fatalf("%s lists %d VMs", path, len(vms))
		}
	}
	if seen[0] != seen[1] {
		h.t.Fatalf("shape A lists %s as %q, shape B as %q", hostname, seen[0], seen[1])
	}
	return seen[0], vm
}

func TestDeletedVMStaysListedAsDeletedForTheRetentionThenDisappears(t *testing.T) {
	const retention = 10 * time.Second
	h := newHarness(t, func(c *vpsiesim.Config) { c.DeletedRetention = retention })
	token := h.loginA()
	vm := h.createA(token, vmReq("doomed"))
	h.clock.Step(bootDelay)
	deleteA := request{method: "DELETE", path: "/v2/vm/" + vm.Identifier, header: bearer(token)}
	deleteAgainB := request{method: "DELETE", path: "/api/v2/vm", header: vpsieAuth(token), json: deleteB(vm.Identifier)}

	for _, req := range []request{deleteA, deleteA, deleteAgainB} { // a second delete of a deleting VM is accepted
		if resp := h.do(req); resp.status != http.StatusOK {
			t.Fatalf("%s %s while deleting: %d %s", req.method, req.path, resp.status, resp.body)
		}
	}
	if status, _ := h.listedStatus(token, "doomed"); status != vpsieapi.StatusDeleting {
		t.Fatalf("listed as %q while deleting", status)
	}

	h.clock.Step(deleteDelay)
	status, listed := h.listedStatus(token, "doomed")
	if status != vpsieapi.StatusDeleted || listed.IsDeleted != 1 || listed.IsActive != 0 || listed.DroppedOn == "" {
		t.Fatalf("after the delete delay listed as %+v, want deleted", listed)
	}
	for _, req := range []request{
		{method: "GET", path: "/v2/vm/" + vm.Identifier, header: bearer(token)},
		{method: "GET", path: "/api/v2/vm/" + vm.Identifier, header: vpsieAuth(token)},
		deleteA,
		deleteAgainB,
	} {
		resp := h.do(req)
		if e := resp.errorBody(t); resp.status != http.StatusNotFound || e.Code != 404 {
			t.Fatalf("%s %s of a deleted VM: %d %s", req.method, req.path, resp.status, resp.body)
		}
	}
	if st := h.sim.Snapshot(); st.Usage["tor1"].VMs != 0 || len(st.VMs) != 0 || len(st.Deleted) != 1 ||
		st.Deleted[0].VM.Status != vpsieapi.StatusDeleted {
		t.Fatalf("a deleted VM holds capacity or is live: usage %v, vms %d, deleted %+v", st.Usage, len(st.VMs),
			st.Deleted)
	}

	h.clock.Step(retention - time.Second)
	if status, _ := h.listedStatus(token, "doomed"); status != vpsieapi.StatusDeleted {
		t.Fatalf("listed as %q before the retention ended", status)
	}
	h.clock.Step(time.Second)
	if status, _ := h.listedStatus(token, "doomed"); status != "" {
		t.Fatalf("still listed as %q after the retention", status)
	}
}

func TestDeletedVMFreesCapacityAtOnce(t *testing.T) {
	h := newHarness(t, func(c *vpsiesim.Config) { c.Capacity = map[string]vpsiesim.Capacity{"tor1": {VMs: 1}} })
	token := h.loginA()
	vm := h.createA(token, vmReq("first"))
	h.do(request{method: "DELETE", path: "/v2/vm/" + vm.Identifier, header: bearer(token)})
	h.clock.Step(deleteDelay)
	if status, _ := h.listedStatus(token, "first"); status != vpsieapi.StatusDeleted {
		t.Fatalf("first VM listed as %q, want deleted", status)
	}
	h.createA(token, vmReq("second"))
}
