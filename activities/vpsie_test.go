package activities_test

import (
	"bytes"
	"context"
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

// simulatedVPSie serves a VPSie simulator and returns it with the worker's kind of client and a raw poster of
// creates.
func simulatedVPSie(t *testing.T) (*vpsiesim.Simulator, *vpsie.Client, func(hostname string, tags []string)) {
	t.Helper()
	cfg := vpsiesim.DefaultConfig()
	cfg.BootDelay, cfg.DeleteDelay, cfg.TickInterval = 0, 50*time.Millisecond, 10*time.Millisecond
	s := simtest.Start(t, cfg)
	root := strings.TrimSuffix(s.BaseURL, vpsieapi.PrefixA)
	return s.Sim, s.API, func(hostname string, tags []string) { postVM(t, root, cfg, hostname, tags) }
}

// postVM creates a VM with a bare POST: the client's guarded create would refuse a second VM with a hostname.
func postVM(t *testing.T, base string, cfg vpsiesim.Config, hostname string, tags []string) {
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
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create %s: HTTP %d", hostname, resp.StatusCode)
	}
}

func TestDeleteVPSByHostnameDeletesOnlyWhatCarriesOurTags(t *testing.T) {
	owner := contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-1", UID: "uid-1"}
	ours := owner.Tags()
	tests := []struct {
		name         string
		vmTags       [][]string // one VM with the hostname per entry
		owner        *contract.Owner
		wantDeleted  bool
		wantLeft     int
		wantSurvivor int
	}{
		{name: "our vps goes", vmTags: [][]string{ours}, owner: &owner, wantDeleted: true},
		{name: "a foreign vps with the hostname stays", vmTags: [][]string{{"env:prod"}}, owner: &owner,
			wantLeft: 1, wantSurvivor: 1},
		{name: "another cluster's vps stays", vmTags: [][]string{contract.Owner{Cluster: "c2", Namespace: "ns", Name: "vn-1", UID: "uid-1"}.Tags()},
			owner: &owner, wantLeft: 1, wantSurvivor: 1},
		{name: "our vps tagged before uids goes", vmTags: [][]string{ours[:2]}, owner: &owner, wantDeleted: true},
		{name: "the vps of a later object with the name stays",
			vmTags: [][]string{contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-1", UID: "uid-2"}.Tags()}, owner: &owner, wantLeft: 1,
			wantSurvivor: 1},
		{name: "duplicates of ours all go, a foreign one stays", vmTags: [][]string{ours, ours, {"x:y"}},
			owner: &owner, wantDeleted: true, wantLeft: 1, wantSurvivor: 1},
		{name: "no vps: nothing to do", owner: &owner},
		{name: "no required tags (a run from before tags): the hostname's one preferred match, as then",
			vmTags: [][]string{{"env:prod"}, {"env:dev"}}, wantDeleted: true, wantSurvivor: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, api, post := simulatedVPSie(t)
			for _, tags := range tt.vmTags {
				post("host-1", tags)
			}
			res := runDeleteVPS(t, api, contract.DeleteVPSInput{Hostname: "host-1", Owner: tt.owner})
			if res.Deleted != tt.wantDeleted || len(res.LeftAlone) != tt.wantLeft {
				t.Fatalf("result %+v, want deleted %v and %d left alone", res, tt.wantDeleted, tt.wantLeft)
			}
			if n := len(sim.Snapshot().VMsByHostname("host-1")); n != tt.wantSurvivor {
				t.Fatalf("%d vms with the hostname left, want %d", n, tt.wantSurvivor)
			}
		})
	}
}

func TestDeleteVPSByIDWaitsUntilItIsGone(t *testing.T) {
	sim, api, _ := simulatedVPSie(t)
	vm, err := api.CreateVM(context.Background(), vpsie.CreateVMRequest{Hostname: "host-2",
		OfferingID: "std-2c-4g", DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64"})
	if err != nil {
		t.Fatal(err)
	}
	res := runDeleteVPS(t, api, contract.DeleteVPSInput{VPSID: vm.Identifier, Hostname: "host-2"})
	if !res.Deleted || res.VPSID != vm.Identifier {
		t.Fatalf("result %+v", res)
	}
	if n := len(sim.Snapshot().VMsByHostname("host-2")); n != 0 {
		t.Fatalf("the activity returned while the vps still existed (%d left)", n)
	}
}

func runDeleteVPS(t *testing.T, api activities.VPSieAPI, in contract.DeleteVPSInput) contract.DeleteVPSResult {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	activities.Register(env, activities.Set{VPSie: &activities.VPSie{API: api, PollInterval: 20 * time.Millisecond}})
	val, err := env.ExecuteActivity(contract.DeleteVPSActivity, in)
	if err != nil {
		t.Fatalf("delete vps: %v", err)
	}
	var res contract.DeleteVPSResult
	if err := val.Get(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestDeleteVPSByIDAlsoTakesTaggedDuplicates(t *testing.T) {
	sim, api, post := simulatedVPSie(t)
	owner := contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-1", UID: "uid-1"}
	ours := owner.Tags()
	vm, err := api.CreateVM(context.Background(), vpsie.CreateVMRequest{Hostname: "host-3",
		OfferingID: "std-2c-4g", DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: ours})
	if err != nil {
		t.Fatal(err)
	}
	post("host-3", ours)          // a duplicate of ours
	post("host-3", []string{"x"}) // someone else's
	res := runDeleteVPS(t, api, contract.DeleteVPSInput{VPSID: vm.Identifier, Hostname: "host-3", Owner: &owner})
	if !res.Deleted || res.VPSID != vm.Identifier || len(res.LeftAlone) != 1 {
		t.Fatalf("result %+v, want the recorded vps first and one left alone", res)
	}
	if n := len(sim.Snapshot().VMsByHostname("host-3")); n != 1 {
		t.Fatalf("%d vms left, want only the foreign one", n)
	}
}

// untaggedListings is the VPSie API with tags missing from listings, as in shape B, where only a VM's detail
// carries them.
type untaggedListings struct{ *vpsie.Client }

func (u untaggedListings) ListVMs(ctx context.Context, f vpsie.VMFilter) ([]vpsie.VM, error) {
	vms, err := u.Client.ListVMs(ctx, f)
	for i := range vms {
		vms[i].Tags = nil
	}
	return vms, err
}

func TestDeleteVPSReadsTagsFromTheDetailWhenTheListingHasNone(t *testing.T) {
	sim, api, post := simulatedVPSie(t)
	owner := contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-1", UID: "uid-1"}
	post("host-4", owner.Tags())
	post("host-4", []string{"x"})
	res := runDeleteVPS(t, untaggedListings{api}, contract.DeleteVPSInput{Hostname: "host-4", Owner: &owner})
	if !res.Deleted || len(res.LeftAlone) != 1 {
		t.Fatalf("result %+v, want ours deleted and the other left alone", res)
	}
	if n := len(sim.Snapshot().VMsByHostname("host-4")); n != 1 {
		t.Fatalf("%d vms left, want only the foreign one", n)
	}
}

// failingListings is the VPSie API with every listing failing.
type failingListings struct{ *vpsie.Client }

func (failingListings) ListVMs(context.Context, vpsie.VMFilter) ([]vpsie.VM, error) {
	return nil, &vpsie.APIError{Kind: vpsie.KindTransient, StatusCode: 503}
}

func TestDeleteVPSDeletesTheRecordedVPSEvenWhenTheHostnameCannotBeSearched(t *testing.T) {
	sim, api, _ := simulatedVPSie(t)
	owner := contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-1", UID: "uid-1"}
	vm, err := api.CreateVM(context.Background(), vpsie.CreateVMRequest{Hostname: "host-5",
		OfferingID: "std-2c-4g", DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: owner.Tags()})
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	activities.Register(env, activities.Set{VPSie: &activities.VPSie{API: failingListings{api},
		PollInterval: 20 * time.Millisecond}})
	_, err = env.ExecuteActivity(contract.DeleteVPSActivity,
		contract.DeleteVPSInput{VPSID: vm.Identifier, Hostname: "host-5", Owner: &owner})
	if err == nil {
		t.Fatal("the failed hostname search was not reported (its duplicates would never be looked for again)")
	}
	if n := len(sim.Snapshot().VMsByHostname("host-5")); n != 0 {
		t.Fatalf("the recorded vps was held up by the failing search (%d left)", n)
	}
}
