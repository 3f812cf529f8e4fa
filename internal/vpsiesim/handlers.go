package vpsiesim

import (
	"net/http"
	"net/url"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// encoding is how one API shape pages lists and wraps what it answers. The handlers in this file serve both
// shapes through it; handlers_a.go and handlers_b.go hold only what one shape does differently.
type encoding struct {
	shape   shape
	created func(vpsieapi.VM) any // the body answering a create
	fetched func(vpsieapi.VM) any // the body answering a get
	deleted func(vpsieapi.VM) any // the body answering a delete
	// window reads which part of a list a request asks for; list wraps that part (count items of total).
	window func(q url.Values, size int) (window, *apiError)
	list   func(items any, w window, count, total int) any
}

func (s *Simulator) handleListVMs(enc encoding) http.HandlerFunc {
	return serveList(s, enc, func(r *http.Request) ([]vpsieapi.VM, *apiError) {
		return s.listVMs(filterFrom(r), enc.shape), nil
	})
}

func (s *Simulator) handleCreateVM(enc encoding) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req vpsieapi.CreateVMRequest
		if aerr := decodeJSON(r, &req); aerr != nil {
			writeError(w, aerr)
			return
		}
		noteCall(r, req.Hostname, "")
		vm, aerr := s.createVM(req, enc.shape)
		writeVM(w, r, vm, aerr, enc.created)
	}
}

func (s *Simulator) handleGetVM(enc encoding) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		vm, aerr := s.getVM(r.PathValue("id"))
		writeVM(w, r, vm, aerr, enc.fetched)
	}
}

func (s *Simulator) handleListDatacenters(enc encoding) http.HandlerFunc {
	return serveList(s, enc, func(*http.Request) ([]vpsieapi.Datacenter, *apiError) {
		return s.cfg.Catalogue.Datacenters, nil
	})
}

func (s *Simulator) handleListImages(enc encoding) http.HandlerFunc {
	return serveList(s, enc, func(*http.Request) ([]vpsieapi.Image, *apiError) {
		return s.cfg.Catalogue.Images, nil
	})
}

// writeDelete serves both shapes' delete: the answer carries the VM in its "deleting" state.
func (s *Simulator) writeDelete(w http.ResponseWriter, r *http.Request, enc encoding, id string) {
	vm, aerr := s.deleteVM(id)
	writeVM(w, r, vm, aerr, enc.deleted)
}

// writeVM answers a call about one VM with aerr, or with vm in the form body gives it, naming the VM on the Call.
func writeVM(w http.ResponseWriter, r *http.Request, vm vpsieapi.VM, aerr *apiError, body func(vpsieapi.VM) any) {
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	noteCall(r, vm.Hostname, vm.Identifier)
	writeJSON(w, http.StatusOK, body(vm))
}

func bare(vm vpsieapi.VM) any { return vm }

func enveloped(vm vpsieapi.VM) any { return ok(vm) }

// filterFrom reads the list filters both shapes accept.
func filterFrom(r *http.Request) vmFilter {
	q := r.URL.Query()
	return vmFilter{tags: q[vpsieapi.QueryTag], hostname: q.Get(vpsieapi.QueryHostname),
		projectID: q.Get(vpsieapi.QueryProjectID)}
}
