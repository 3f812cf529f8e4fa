package vpsiesim

import (
	"mime"
	"net/http"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Shape B: VPSie's Go client, /apps/v2 and /api/v2. Every response is an envelope; lists are read by ?offset= and
// ?limit= and carry "total". A VM's tags are only in its detail's vmTags, never in vmData or a listing.
var encodingB = encoding{shape: shapeB, created: envelopedUntagged, fetched: detailed, deleted: envelopedUntagged,
	window: windowB, list: totalledB}

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
	req, aerr := decodeDeleteB(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	s.writeDelete(w, r, encodingB, req.VMIdentifier)
}

// decodeDeleteB reads the body govpsie sends with DELETE /api/v2/vm: a JSON vmIdentifier and a deleteStatistic
// with a reason (password and note are optional). Anything less is refused, so a client that would fail against
// the real API fails here too.
func decodeDeleteB(r *http.Request) (vpsieapi.DeleteVMRequest, *apiError) {
	var req vpsieapi.DeleteVMRequest
	if aerr := requireContentType(r, "application/json"); aerr != nil {
		return req, aerr
	}
	if aerr := decodeJSON(r, &req); aerr != nil {
		return req, aerr
	}
	switch {
	case req.VMIdentifier == "":
		return req, errValidation("vmIdentifier", "is required")
	case req.DeleteStatistic.Reason == "":
		return req, errValidation("deleteStatistic.reason", "is required")
	}
	return req, nil
}

// listOfferingsB reads dcIdentifier from the query, a form or a JSON body, whichever the caller used.
func (s *Simulator) listOfferingsB() http.HandlerFunc {
	return serveList(s, encodingB, func(r *http.Request) ([]vpsieapi.Offering, *apiError) {
		dc, aerr := datacenterFromB(r)
		if aerr != nil {
			return nil, aerr
		}
		if _, known := s.cfg.Catalogue.datacenter(dc); dc != "" && !known {
			return nil, errValidation("dcIdentifier", "unknown datacenter %q", dc)
		}
		return s.cfg.Catalogue.offeringsIn(dc), nil
	})
}

// datacenterFromB reads dcIdentifier from a POST body (JSON or form), else from the query.
func datacenterFromB(r *http.Request) (string, *apiError) {
	dc := r.URL.Query().Get("dcIdentifier")
	if r.Method != http.MethodPost {
		return dc, nil
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		var req vpsieapi.ResourcesRequest
		if aerr := decodeJSON(r, &req); aerr != nil {
			return "", aerr
		}
		return first(req.DCIdentifier, dc), nil
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return "", errValidation("body", "invalid form")
	}
	return first(r.PostForm.Get("dcIdentifier"), dc), nil
}

// detailed is shape B's answer to a get: the VM, and its tags beside it in vmTags only.
func detailed(vm vpsieapi.VM) any {
	return ok(vpsieapi.VMDetail{VMData: untagged(vm), VMTags: vm.Tags})
}

func envelopedUntagged(vm vpsieapi.VM) any { return ok(untagged(vm)) }
