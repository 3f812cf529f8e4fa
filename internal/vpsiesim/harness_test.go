package vpsiesim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	clocktesting "k8s.io/utils/clock/testing"
)

// harness is one simulator behind a real HTTP server, on a fake clock that tests step.
type harness struct {
	t     *testing.T
	sim   *vpsiesim.Simulator
	srv   *httptest.Server
	clock *clocktesting.FakeClock
}

const (
	bootDelay   = 10 * time.Second
	deleteDelay = 3 * time.Second
)

func newHarness(t *testing.T, mutate ...func(*vpsiesim.Config)) *harness {
	t.Helper()
	clk := clocktesting.NewFakeClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	cfg := vpsiesim.DefaultConfig()
	cfg.Clock, cfg.BootDelay, cfg.DeleteDelay = clk, bootDelay, deleteDelay
	cfg.Logger = testLogger(t)
	for _, m := range mutate {
		m(&cfg)
	}
	sim, err := vpsiesim.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return &harness{t: t, sim: sim, srv: srv, clock: clk}
}

// testLogger shows simulator logs only for failed or verbose tests.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// request is one HTTP call; json, form and raw are mutually exclusive bodies. raw is sent without a
// Content-Type; header entries override the one json and form set.
type request struct {
	method, path string
	header       map[string]string
	json         any
	form         url.Values
	raw          string
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (r response) errorBody(t *testing.T) vpsieapi.ErrorResponse {
	var e vpsieapi.ErrorResponse
	r.decode(t, &e)
	if !e.Error {
		t.Fatalf("status %d body %s: error flag not set", r.status, r.body)
	}
	return e
}

func (h *harness) do(req request) response {
	h.t.Helper()
	var body io.Reader
	contentType := ""
	switch {
	case req.json != nil:
		b, err := json.Marshal(req.json)
		if err != nil {
			h.t.Fatal(err)
		}
		body, contentType = bytes.NewReader(b), "application/json"
	case req.form != nil:
		body, contentType = strings.NewReader(req.form.Encode()), "application/x-www-form-urlencoded"
	case req.raw != "":
		body = strings.NewReader(req.raw)
	}
	r, err := http.NewRequest(req.method, h.srv.URL+req.path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	resp, err := h.srv.Client().Do(r)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func bearer(token string) map[string]string {
	return map[string]string{vpsieapi.HeaderAuthorization: vpsieapi.BearerPrefix + token}
}

func vpsieAuth(token string) map[string]string {
	return map[string]string{vpsieapi.HeaderVpsieAuth: token}
}

// authFor is the auth header the shape of path takes: Bearer on shape A (/v2/...), Vpsie-Auth on shape B.
func authFor(path, token string) map[string]string {
	if strings.HasPrefix(path, vpsieapi.PrefixA+"/") {
		return bearer(token)
	}
	return vpsieAuth(token)
}

// deleteB is the body govpsie sends to delete a VM in shape B.
func deleteB(identifier string) vpsieapi.DeleteVMRequest {
	return vpsieapi.DeleteVMRequest{VMIdentifier: identifier,
		DeleteStatistic: vpsieapi.DeleteStatistic{Reason: "scale down", Note: "test"}}
}

// loginA logs in through shape A and returns the access token.
func (h *harness) loginA() string {
	h.t.Helper()
	resp := h.do(request{method: "POST", path: vpsieapi.PrefixA + vpsieapi.PathALogin, form: url.Values{
		vpsieapi.FormClientID: {vpsiesim.DefaultClientID}, vpsieapi.FormClientSecret: {vpsiesim.DefaultClientSecret}}})
	var out vpsieapi.LoginResponseA
	resp.decode(h.t, &out)
	if resp.status != http.StatusOK || out.AccessToken.Token == "" {
		h.t.Fatalf("login A: %d %s", resp.status, resp.body)
	}
	return out.AccessToken.Token
}

func (h *harness) loginB() string {
	h.t.Helper()
	resp := h.do(request{method: "POST", path: vpsieapi.PathBLogin, json: vpsieapi.LoginRequest{
		ClientID: vpsiesim.DefaultClientID, ClientSecret: vpsiesim.DefaultClientSecret}})
	var out vpsieapi.LoginResponseB
	resp.decode(h.t, &out)
	if resp.status != http.StatusOK || out.Token.Access.Token == "" {
		h.t.Fatalf("login B: %d %s", resp.status, resp.body)
	}
	return out.Token.Access.Token
}

// createA creates a VM through shape A and fails the test unless it succeeds.
func (h *harness) createA(token string, req vpsieapi.CreateVMRequest) vpsieapi.VM {
	h.t.Helper()
	resp := h.do(request{method: "POST", path: vpsieapi.PrefixA + vpsieapi.PathAVMs, header: bearer(token), json: req})
	if resp.status != http.StatusOK {
		h.t.Fatalf("create: %d %s", resp.status, resp.body)
	}
	var vm vpsieapi.VM
	resp.decode(h.t, &vm)
	return vm
}

func (h *harness) getA(token, id string) (vpsieapi.VM, int) {
	h.t.Helper()
	resp := h.do(request{method: "GET", path: vpsieapi.PrefixA + "/vm/" + id, header: bearer(token)})
	var vm vpsieapi.VM
	if resp.status == http.StatusOK {
		resp.decode(h.t, &vm)
	}
	return vm, resp.status
}

// vmReq is a valid shape-A create request for hostname.
func vmReq(hostname string, tags ...string) vpsieapi.CreateVMRequest {
	return vpsieapi.CreateVMRequest{Hostname: hostname, OfferingID: "std-2c-4g", DatacenterID: "tor1",
		OSImageID: "ubuntu-24.04-x64", Tags: tags, UserData: "#cloud-config\n"}
}
