package vpsiesim

import (
	"mime"
	"net/http"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Shape A: the earlier autoscaler's API under /v2. Lists come in an envelope with pagination; a single VM or
// offering is a bare object.

func (s *Simulator) loginA(w http.ResponseWriter, r *http.Request) {
	// The form must be form-encoded: a client that sends JSON here has the bug the seeds warn about.
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		writeError(w, errValidation("Content-Type", "must be application/x-www-form-urlencoded"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeError(w, errValidation("body", "invalid form"))
		return
	}
	tok, aerr := s.login(r.PostForm.Get(vpsieapi.FormClientID), r.PostForm.Get(vpsieapi.FormClientSecret), shapeA)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, vpsieapi.LoginResponseA{Code: http.StatusOK, Message: "ok",
		AccessToken: tok.access, RefreshToken: tok.refresh})
}

func (s *Simulator) listVMsA(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, paged(s.listVMs(filterFrom(r))))
}

func (s *Simulator) createVMA(w http.ResponseWriter, r *http.Request) {
	var req vpsieapi.CreateVMRequest
	if aerr := decodeJSON(r, &req); aerr != nil {
		writeError(w, aerr)
		return
	}
	noteCall(r, req.Hostname, "")
	vm, aerr := s.createVM(req, shapeA)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	noteCall(r, vm.Hostname, vm.Identifier)
	writeJSON(w, http.StatusOK, vm)
}

func (s *Simulator) getVMA(w http.ResponseWriter, r *http.Request) {
	vm, aerr := s.getVM(r.PathValue("id"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	noteCall(r, vm.Hostname, vm.Identifier)
	writeJSON(w, http.StatusOK, vm)
}

func (s *Simulator) deleteVMA(w http.ResponseWriter, r *http.Request) {
	s.writeDelete(w, r, r.PathValue("id"))
}

// writeDelete serves both shapes' delete: the envelope carries the VM in its "deleting" state.
func (s *Simulator) writeDelete(w http.ResponseWriter, r *http.Request, id string) {
	vm, aerr := s.deleteVM(id)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	noteCall(r, vm.Hostname, vm.Identifier)
	writeJSON(w, http.StatusOK, ok(vm))
}

// vmActionA accepts the power actions the earlier client could send; the simulated machine ignores them.
func (s *Simulator) vmActionA(w http.ResponseWriter, r *http.Request) {
	var req vpsieapi.VMActionRequest
	if aerr := decodeJSON(r, &req); aerr != nil {
		writeError(w, aerr)
		return
	}
	switch req.Action {
	case "start", "stop", "restart", "reboot", "shutdown":
	default:
		writeError(w, errValidation("action", "unknown action %q", req.Action))
		return
	}
	vm, aerr := s.getVM(r.PathValue("id"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	noteCall(r, vm.Hostname, vm.Identifier)
	writeJSON(w, http.StatusOK, ok(vm))
}

func (s *Simulator) listOfferingsA(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, paged(s.cfg.Catalogue.offeringsIn(r.URL.Query().Get(vpsieapi.QueryDatacenter))))
}

func (s *Simulator) getOfferingA(w http.ResponseWriter, r *http.Request) {
	o, found := s.cfg.Catalogue.offering(r.PathValue("id"))
	if !found {
		writeError(w, errNotFound("offering", r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Simulator) listDatacentersA(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, paged(s.cfg.Catalogue.Datacenters))
}

func (s *Simulator) listImagesA(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, paged(s.cfg.Catalogue.Images))
}

// paged wraps a whole list as shape A's single page.
func paged[T any](items []T) vpsieapi.Envelope[[]T] {
	env := ok(items)
	env.Pagination = &vpsieapi.Pagination{Total: len(items), Count: len(items), PerPage: max(len(items), 1),
		CurrentPage: 1, TotalPages: 1}
	return env
}

// filterFrom reads the list filters both shapes accept.
func filterFrom(r *http.Request) vmFilter {
	q := r.URL.Query()
	return vmFilter{tags: q[vpsieapi.QueryTag], hostname: q.Get(vpsieapi.QueryHostname),
		projectID: q.Get(vpsieapi.QueryProjectID)}
}
