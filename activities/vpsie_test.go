package activities_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim/simtest"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

var owner = contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-1", UID: "uid-1"}

// account is a simulated VPSie account: the simulator, the autoscaler's client for one
// API shape, and a raw poster that makes VMs as anyone else could (a second VM with a
// hostname, foreign tags).
type account struct {
	sim  *vpsiesim.Simulator
	api  *vpsie.Client
	post func(hostname string, tags []string) string
}

func simulatedVPSie(t *testing.T, shape vpsie.Shape, tune func(*vpsiesim.Config)) account {
	t.Helper()
	cfg := vpsiesim.DefaultConfig()
	cfg.BootDelay, cfg.DeleteDelay, cfg.TickInterval = 0, 50*time.Millisecond, 10*time.Millisecond
	if tune != nil {
		tune(&cfg)
	}
	s := simtest.Start(t, cfg)
	root := strings.TrimSuffix(s.BaseURL, vpsieapi.PrefixA)
	a := account{sim: s.Sim, api: s.API, post: func(hostname string, tags []string) string {
		return postVM(t, root, cfg, hostname, tags)
	}}
	if shape == vpsie.ShapeB {
		api, err := vpsie.New(vpsie.Options{Shape: vpsie.ShapeB, BaseURL: root, AllowPlainHTTP: true,
			Credentials: vpsie.Credentials{ClientID: cfg.ClientID, ClientSecret: vpsie.Secret(cfg.ClientSecret)},
			RateLimit:   60000, RateBurst: 100, Logger: cfg.Logger})
		if err != nil {
			t.Fatal(err)
		}
		a.api = api
	}
	return a
}

// postVM creates a VM with a bare shape-A POST and returns its identifier.
func postVM(t *testing.T, base string, cfg vpsiesim.Config, hostname string, tags []string) string {
	t.Helper()
	resp, err := http.PostForm(base+vpsieapi.PrefixA+vpsieapi.PathALogin, url.Values{
		vpsieapi.FormClientID: {cfg.ClientID}, vpsieapi.FormClientSecret: {cfg.ClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	var login vpsieapi.LoginResponseA
	err = json.NewDecoder(resp.Body).Decode(&login)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(vpsieapi.CreateVMRequest{Hostname: hostname, OfferingID: "std-2c-4g",
		DatacenterID: "ams1", OSImageID: "ubuntu-24.04-x64", Tags: tags})
	req, _ := http.NewRequest(http.MethodPost, base+vpsieapi.PrefixA+vpsieapi.PathAVMs, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(vpsieapi.HeaderAuthorization, vpsieapi.BearerPrefix+login.AccessToken.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var vm vpsieapi.VM
	if err := json.NewDecoder(resp.Body).Decode(&vm); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("create %s: HTTP %d, %v", hostname, resp.StatusCode, err)
	}
	return vm.Identifier
}

// run executes one VPSie activity the way a worker does and decodes its result.
func run[T any](t *testing.T, v *activities.VPSie, name string, in any) (T, error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	activities.RegisterVPSie(env, v)
	var out T
	val, err := env.ExecuteActivity(name, in)
	if err == nil && val.HasValue() {
		err = val.Get(&out)
	}
	return out, err
}

var shapes = []vpsie.Shape{vpsie.ShapeA, vpsie.ShapeB}
