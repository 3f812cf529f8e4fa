package vpsiesim_test

import (
	"maps"
	"net/http"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

func TestShapeBDeleteDemandsTheBodyGovpsieSends(t *testing.T) {
	h := newHarness(t)
	token := h.loginB()
	vm := h.createA(h.loginA(), vmReq("to-delete"))
	withPassword := deleteB(vm.Identifier)
	withPassword.Password = "optional"
	jsonType := map[string]string{"Content-Type": "application/json"}
	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantField  string
	}{
		{"no body", request{header: jsonType}, 400, "body"},
		{"not JSON", request{raw: "vmIdentifier=" + vm.Identifier, header: jsonType}, 400, "body"},
		{"no Content-Type", request{raw: `{"vmIdentifier":"x","deleteStatistic":{"reason":"r"}}`}, 400, "Content-Type"},
		{"form Content-Type", request{json: deleteB(vm.Identifier),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 400, "Content-Type"},
		{"no vmIdentifier", request{json: vpsieapi.DeleteVMRequest{
			DeleteStatistic: vpsieapi.DeleteStatistic{Reason: "r"}}}, 400, "vmIdentifier"},
		{"no deleteStatistic", request{raw: `{"vmIdentifier":"` + vm.Identifier + `"}`, header: jsonType},
			400, "deleteStatistic.reason"},
		{"no reason", request{json: vpsieapi.DeleteVMRequest{VMIdentifier: vm.Identifier,
			DeleteStatistic: vpsieapi.DeleteStatistic{Note: "why not"}}}, 400, "deleteStatistic.reason"},
		{"complete without password", request{json: deleteB(vm.Identifier)}, 200, ""},
		{"complete with password, again", request{json: withPassword}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			req.method, req.path = "DELETE", vpsieapi.PathBVMs
			req.header = mergeHeaders(vpsieAuth(token), req.header)
			resp := h.do(req)
			if resp.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.wantStatus, resp.body)
			}
			if tt.wantStatus == http.StatusOK {
				return
			}
			if e := resp.errorBody(t); e.Field != tt.wantField || e.Reason != vpsieapi.ReasonValidation {
				t.Fatalf("field %q reason %q, want %q: %s", e.Field, e.Reason, tt.wantField, resp.body)
			}
		})
	}
}

// mergeHeaders is the union of hs; later ones win.
func mergeHeaders(hs ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, h := range hs {
		maps.Copy(out, h)
	}
	return out
}
