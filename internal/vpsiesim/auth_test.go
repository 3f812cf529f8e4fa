package vpsiesim_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestTokensFromEitherLoginWorkOnBothShapesInTheShapesHeader(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		token  func() string
		header func(string) map[string]string
		path   string
	}{
		{"shape A token, bearer on /v2", h.loginA, bearer, vpsieapi.PrefixA + vpsieapi.PathAVMs},
		{"shape B token, Vpsie-Auth on /api/v2", h.loginB, vpsieAuth, vpsieapi.PathBVMs},
		{"shape A token, Vpsie-Auth on /api/v2", h.loginA, vpsieAuth, vpsieapi.PathBVMs},
		{"shape B token, bearer on /v2", h.loginB, bearer, vpsieapi.PrefixA + vpsieapi.PathAVMs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(request{method: "GET", path: tt.path, header: tt.header(tt.token())})
			if resp.status != http.StatusOK {
				t.Fatalf("status %d: %s", resp.status, resp.body)
			}
		})
	}
}

func TestLoginRefusalsNameTheProblemButNeverEchoCredentials(t *testing.T) {
	const secret = "hunter2-very-secret"
	h := newHarness(t)
	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantReason string
		wantField  string
	}{
		{"shape A wrong secret", request{method: "POST", path: "/v2/auth/from/api",
			form: url.Values{"clientId": {"intruder-id"}, "clientSecret": {secret}}},
			401, vpsieapi.ReasonInvalidCredentials, ""},
		{"shape B wrong secret", request{method: "POST", path: "/apps/v2/auth/from/api",
			json: vpsieapi.LoginRequest{ClientID: "intruder-id", ClientSecret: secret}},
			401, vpsieapi.ReasonInvalidCredentials, ""},
		{"shape A JSON body is refused", request{method: "POST", path: "/v2/auth/from/api",
			json: vpsieapi.LoginRequest{ClientID: vpsiesim.DefaultClientID, ClientSecret: vpsiesim.DefaultClientSecret}},
			400, vpsieapi.ReasonValidation, "Content-Type"},
		{"shape B missing secret", request{method: "POST", path: "/apps/v2/auth/from/api",
			json: vpsieapi.LoginRequest{ClientID: "intruder-id"}}, 400, vpsieapi.ReasonValidation, "clientSecret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(tt.req)
			e := resp.errorBody(t)
			if resp.status != tt.wantStatus || e.Reason != tt.wantReason || e.Field != tt.wantField {
				t.Fatalf("got %d reason=%q field=%q, want %d %q %q", resp.status, e.Reason, e.Field,
					tt.wantStatus, tt.wantReason, tt.wantField)
			}
			if strings.Contains(string(resp.body), secret) || strings.Contains(string(resp.body), "intruder-id") {
				t.Fatalf("response echoes credentials: %s", resp.body)
			}
		})
	}
}

func TestRequestsWithoutAValidTokenAre401InEnvelope(t *testing.T) {
	h := newHarness(t, func(c *vpsiesim.Config) {
		c.TokenTTL = time.Minute
		c.StaticTokens = []string{"static-token"}
	})
	expired := h.loginA()
	h.clock.Step(time.Minute)
	fresh := h.loginB()
	tests := []struct {
		name       string
		header     map[string]string
		wantStatus int
		wantReason string
	}{
		{"no token", nil, 401, vpsieapi.ReasonUnauthorized},
		{"unknown token", bearer("made-up"), 401, vpsieapi.ReasonUnauthorized},
		{"expired token", bearer(expired), 401, vpsieapi.ReasonTokenExpired},
		{"fresh token from the other shape's login", bearer(fresh), 200, ""},
		{"static token never expires", bearer("static-token"), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(request{method: "GET", path: "/v2/vm", header: tt.header})
			if resp.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.wantStatus, resp.body)
			}
			if tt.wantReason != "" {
				if e := resp.errorBody(t); e.Reason != tt.wantReason || e.Code != 401 {
					t.Fatalf("reason %q code %d, want %q 401", e.Reason, e.Code, tt.wantReason)
				}
			}
		})
	}
}

func TestShortTokenLifetimeFaultAppliesToNewTokens(t *testing.T) {
	h := newHarness(t)
	long := h.loginA()
	if err := h.sim.SetFaults(vpsiesim.Faults{TokenTTL: vpsiesim.Duration(5 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	short := h.loginA()
	h.clock.Step(5 * time.Second)
	if resp := h.do(request{method: "GET", path: "/v2/vm", header: bearer(short)}); resp.status != 401 {
		t.Fatalf("short-lived token still accepted: %d", resp.status)
	}
	if resp := h.do(request{method: "GET", path: "/v2/vm", header: bearer(long)}); resp.status != 200 {
		t.Fatalf("token issued before the fault was refused: %d", resp.status)
	}
}

func TestEachShapeTakesOnlyItsOwnAuthHeader(t *testing.T) {
	h := newHarness(t, func(c *vpsiesim.Config) { c.StaticTokens = []string{"static-token"} })
	token := h.loginA()
	both := func(tok string) map[string]string {
		return map[string]string{vpsieapi.HeaderAuthorization: vpsieapi.BearerPrefix + tok, vpsieapi.HeaderVpsieAuth: tok}
	}
	tests := []struct {
		name       string
		path       string
		header     map[string]string
		wantStatus int
	}{
		{"shape A with Bearer", "/v2/vm", bearer(token), 200},
		{"shape A with Vpsie-Auth", "/v2/vm", vpsieAuth(token), 401},
		{"shape A static token with Vpsie-Auth", "/v2/vm", vpsieAuth("static-token"), 401},
		{"shape A with both reads Bearer", "/v2/vm", both(token), 200},
		{"shape B with Vpsie-Auth", "/api/v2/vm", vpsieAuth(token), 200},
		{"shape B with Bearer", "/api/v2/vm", bearer(token), 401},
		{"shape B apps path with Bearer", "/apps/v2/datacenter", bearer(token), 401},
		{"shape B static token with Bearer", "/api/v2/vm", bearer("static-token"), 401},
		{"shape B static token with Vpsie-Auth", "/api/v2/vm", vpsieAuth("static-token"), 200},
		{"shape B with both reads Vpsie-Auth", "/api/v2/vm", both(token), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(request{method: "GET", path: tt.path, header: tt.header})
			if resp.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.wantStatus, resp.body)
			}
			if tt.wantStatus == 401 {
				if e := resp.errorBody(t); e.Code != 401 || e.Reason != vpsieapi.ReasonUnauthorized {
					t.Fatalf("error body %s", resp.body)
				}
			}
		})
	}
}
