package vpsiesim

import (
	"net/http"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Shape A: the earlier autoscaler's API under /v2. Lists come in an envelope with pagination (?page=); a single
// VM or offering is a bare object.
var encodingA = encoding{shape: shapeA, created: bare, fetched: bare, deleted: enveloped, window: windowA,
	list: pagedA}

func (s *Simulator) loginA(w http.ResponseWriter, r *http.Request) {
	// The form must be form-encoded: a client that sends JSON here has the bug the seeds warn about.
	if aerr := requireContentType(r, "application/x-www-form-urlencoded"); aerr != nil {
		writeError(w, aerr)
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

func (s *Simulator) deleteVMA(w http.ResponseWriter, r *http.Request) {
	s.writeDelete(w, r, encodingA, r.PathValue("id"))
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
	writeVM(w, r, vm, aerr, enveloped)
}

func (s *Simulator) listOfferingsA() http.HandlerFunc {
	return serveList(s, encodingA, func(r *http.Request) ([]vpsieapi.Offering, *apiError) {
		return s.cfg.Catalogue.offeringsIn(r.URL.Query().Get(vpsieapi.QueryDatacenter)), nil
	})
}

func (s *Simulator) getOfferingA(w http.ResponseWriter, r *http.Request) {
	o, found := s.cfg.Catalogue.offering(r.PathValue("id"))
	if !found {
		writeError(w, errNotFound("offering", r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, o)
}
