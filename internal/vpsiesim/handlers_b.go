package vpsiesim

import (
	"encoding/json"
	"mime"
	"net/http"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Shape B: VPSie's Go client, /apps/v2 and /api/v2. Every response is an envelope; lists carry "total".

func (s *Simulator) loginB(w http.ResponseWriter, r *http.Request) {
	var req vpsieapi.LoginRequest
	if aerr := decodeJSON(r, &req); aerr != nil {
		writeError(w, aerr)
		return
	}
	tok, aerr := s.login(req.ClientID, req.ClientSecret, shapeB)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, vpsieapi.LoginResponseB{Code: http.StatusOK, Message: "ok",
		Token: vpsieapi.TokenPair{Access: tok.access, Refresh: tok.refresh}})
}

func (s *Simulator) listVMsB(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, totalled(s.listVMs(filterFrom(r))))
}

func (s *Simulator) createVMB(w http.ResponseWriter, r *http.Request) {
	var req vpsieapi.CreateVMRequest
	if aerr := decodeJSON(r, &req); aerr != nil {
		writeError(w, aerr)
		return
	}
	noteCall(r, req.Hostname, "")
	vm, aerr := s.createVM(req, shapeB)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	noteCall(r, vm.Hostname, vm.Identifier)
	writeJSON(w, http.StatusOK, ok(vm))
}

func (s *Simulator) getVMB(w http.ResponseWriter, r *http.Request) {
	vm, aerr := s.getVM(r.PathValue("id"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	noteCall(r, vm.Hostname, vm.Identifier)
	writeJSON(w, http.StatusOK, ok(vpsieapi.VMDetail{VMData: vm, VMTags: vm.Tags}))
}

func (s *Simulator) deleteVMB(w http.ResponseWriter, r *http.Request) {
	var req vpsieapi.DeleteVMRequest
	if aerr := decodeJSON(r, &req); aerr != nil {
		writeError(w, aerr)
		return
	}
	if req.VMIdentifier == "" {
		writeError(w, errValidation("vmIdentifier", "is required"))
		return
	}
	s.writeDelete(w, r, req.VMIdentifier)
}

func (s *Simulator) listDatacentersB(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, totalled(s.cfg.Catalogue.Datacenters))
}

// listOfferingsB reads dcIdentifier from the query, a form or a JSON body, whichever the caller used.
func (s *Simulator) listOfferingsB(w http.ResponseWriter, r *http.Request) {
	dc := r.URL.Query().Get("dcIdentifier")
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch ct {
		case "application/json":
			var req vpsieapi.ResourcesRequest
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				writeError(w, errValidation("body", "invalid JSON"))
				return
			}
			dc = first(req.DCIdentifier, dc)
		default:
			if err := r.ParseForm(); err != nil {
				writeError(w, errValidation("body", "invalid form"))
				return
			}
			dc = first(r.PostForm.Get("dcIdentifier"), dc)
		}
	}
	if _, known := s.cfg.Catalogue.datacenter(dc); dc != "" && !known {
		writeError(w, errValidation("dcIdentifier", "unknown datacenter %q", dc))
		return
	}
	writeJSON(w, http.StatusOK, totalled(s.cfg.Catalogue.offeringsIn(dc)))
}

func (s *Simulator) listImagesB(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, totalled(s.cfg.Catalogue.Images))
}

// totalled wraps a list as shape B does: data plus total.
func totalled[T any](items []T) vpsieapi.Envelope[[]T] {
	env := ok(items)
	n := len(items)
	env.Total = &n
	return env
}
