package vpsiesim

import (
	"encoding/json"
	"mime"
	"net/http"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Shape B: VPSie's Go client, /apps/v2 and /api/v2. Every response is an envelope; lists carry "total".
var encodingB = encoding{shape: shapeB, created: enveloped, fetched: detailed, list: totalled}

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
	writeList(w, encodingB, s.cfg.Catalogue.offeringsIn(dc))
}

// detailed is shape B's answer to a get: the VM and its tags side by side.
func detailed(vm vpsieapi.VM) any { return ok(vpsieapi.VMDetail{VMData: vm, VMTags: vm.Tags}) }

// totalled wraps a list of n items as shape B does: data plus total.
func totalled(items any, n int) any {
	env := ok(items)
	env.Total = &n
	return env
}
