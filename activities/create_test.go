package activities_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// callWithRetries is a workflow that runs one activity under a fast retry policy and
// returns how long (workflow time) it took, so Temporal's own retries are exercised.
func callWithRetries(ctx workflow.Context, name string, in any) (time.Duration, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 10 * time.Millisecond, MaximumAttempts: 5},
	})
	start := workflow.Now(ctx)
	err := workflow.ExecuteActivity(ctx, name, in).Get(ctx, nil)
	return workflow.Now(ctx).Sub(start), err
}

func runWithRetries(t *testing.T, v *activities.VPSie, name string, in any) time.Duration {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(callWithRetries, workflow.RegisterOptions{Name: "CallWithRetries"})
	activities.RegisterVPSie(env, v)
	env.ExecuteWorkflow("CallWithRetries", name, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var took time.Duration
	if err := env.GetWorkflowResult(&took); err != nil {
		t.Fatal(err)
	}
	return took
}

// The first create's answer is lost (the VM is made, the client sees a 502), and a new
// VM shows in listings only after two more listings. An attempt that retries the create
// without waiting out that lag makes a second VM; one that waits, adopts the first.
func TestCreateOwnedVPSMakesExactlyOneVMAcrossAttempts(t *testing.T) {
	tests := []struct {
		name        string
		listingLag  time.Duration
		wantCreates int
	}{
		{name: "waiting out the listing lag adopts the lost create", listingLag: 2 * time.Second, wantCreates: 1},
		{name: "trusting a lagging listing makes a duplicate (why the wait exists)", listingLag: 0, wantCreates: 2},
	}
	for _, shape := range shapes {
		for _, tt := range tests {
			t.Run(shape.String()+"/"+tt.name, func(t *testing.T) {
				a := simulatedVPSie(t, shape, func(c *vpsiesim.Config) { c.ListingLagLookups = 2 })
				api := &firstCreateLost{VPSieAPI: a.api}
				v := &activities.VPSie{API: api, ListingLag: tt.listingLag, ListingPoll: 100 * time.Millisecond}
				in := contract.CreateOwnedVPSInput{Owner: owner, Hostname: "host-1", OfferingID: "std-2c-4g",
					DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: []string{"team:a"}}
				runWithRetries(t, v, contract.CreateOwnedVPSActivity, in)
				st := a.sim.Snapshot()
				if got := st.CallCount(vpsiesim.OpCreateVM); got != tt.wantCreates {
					t.Fatalf("%d creates reached the api, want %d", got, tt.wantCreates)
				}
				if vms := st.VMsByHostname("host-1"); len(vms) != tt.wantCreates {
					t.Fatalf("%d vms with the hostname, want %d", len(vms), tt.wantCreates)
				}
			})
		}
	}
}

// firstCreateLost carries out the first create and then reports it failed, as when the
// network loses the answer: the caller cannot tell whether the VM exists.
type firstCreateLost struct {
	activities.VPSieAPI
	creates int
}

func (f *firstCreateLost) CreateVM(ctx context.Context, req vpsie.CreateVMRequest) (vpsie.VM, error) {
	f.creates++
	vm, err := f.VPSieAPI.CreateVM(ctx, req)
	if err == nil && f.creates == 1 {
		return vpsie.VM{}, &vpsie.APIError{Kind: vpsie.KindTransient, StatusCode: 502}
	}
	return vm, err
}

func TestCreateOwnedVPSAdoptsOursAndTagsWhatItCreates(t *testing.T) {
	a := simulatedVPSie(t, 0, nil)
	v := &activities.VPSie{API: a.api}
	in := contract.CreateOwnedVPSInput{Owner: owner, Hostname: "host-1", OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Tags: []string{"team:a"}}
	a.post("host-1", []string{"env:prod"}) // someone else's VM with our hostname is never adopted
	first, err := run[contract.CreateOwnedVPSResult](t, v, contract.CreateOwnedVPSActivity, in)
	if err != nil || first.Adopted || first.VPSID == "" {
		t.Fatalf("first create = %+v, %v; want a new vps", first, err)
	}
	again, err := run[contract.CreateOwnedVPSResult](t, v, contract.CreateOwnedVPSActivity, in)
	if err != nil || !again.Adopted || again.VPSID != first.VPSID {
		t.Fatalf("second create = %+v, %v; want %s adopted", again, err, first.VPSID)
	}
	vm, err := a.api.GetVM(context.Background(), first.VPSID)
	if err != nil {
		t.Fatal(err)
	}
	if !owner.Owns(vm.Tags) || !contains(vm.Tags, "team:a") {
		t.Errorf("tags = %q, want the owner's and the group's", vm.Tags)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// rateLimitedOnce answers its first call with a 429 that asks for 7 s.
type rateLimitedOnce struct {
	activities.VPSieAPI
	calls int
}

func (r *rateLimitedOnce) GetVM(_ context.Context, id string) (vpsie.VM, error) {
	r.calls++
	if r.calls == 1 {
		return vpsie.VM{}, &vpsie.APIError{Kind: vpsie.KindRateLimited, StatusCode: 429, RetryAfter: 7 * time.Second}
	}
	return vpsie.VM{Identifier: id, Status: vpsie.VMStatusRunning}, nil
}

func TestRetryAfterBecomesTemporalsNextRetryDelay(t *testing.T) {
	api := &rateLimitedOnce{}
	took := runWithRetries(t, &activities.VPSie{API: api}, contract.GetVPSStateActivity, contract.GetVPSStateInput{VPSID: "vps-1"})
	if api.calls != 2 || took < 7*time.Second || took > 8*time.Second {
		t.Fatalf("%d calls in %s, want the retry after the 7 s the api asked for (not the policy's 10 ms)", api.calls, took)
	}
}

// A new VPS gets the configured default key IDs and the group's key IDs and public keys, each once, and the
// simulator records what it received.
func TestCreateOwnedVPSMergesAndDeduplicatesSSHKeys(t *testing.T) {
	a := simulatedVPSie(t, 0, nil)
	join := &contract.NodeTemplate{NodeGroup: "g", SSHKeyIDs: []string{"key-team", "key-ops"},
		SSHPublicKeys: []string{"ssh-ed25519 AAAAC3 alice", "  ssh-ed25519   AAAAC3 alice ", "ssh-ed25519 AAAAD4 bob"}}
	v := &activities.VPSie{API: a.api, DefaultSSHKeyIDs: []string{"key-ops", "key-break-glass"},
		UserData: renderFunc(func(context.Context, contract.CreateOwnedVPSInput) (string, error) { return "#!/bin/sh\n", nil })}
	in := contract.CreateOwnedVPSInput{Owner: owner, Hostname: "host-ssh", OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Join: join}
	if _, err := run[contract.CreateOwnedVPSResult](t, v, contract.CreateOwnedVPSActivity, in); err != nil {
		t.Fatal(err)
	}
	want := []string{"key-ops", "key-break-glass", "key-team", "ssh-ed25519 AAAAC3 alice", "ssh-ed25519 AAAAD4 bob"}
	for _, vm := range a.sim.Snapshot().VMs {
		if vm.VM.Hostname == "host-ssh" {
			if !slices.Equal(vm.SSHKeys, want) {
				t.Fatalf("the VPS got SSH keys %q, want %q", vm.SSHKeys, want)
			}
			return
		}
	}
	t.Fatal("no VPS host-ssh in the simulator")
}

type renderFunc func(context.Context, contract.CreateOwnedVPSInput) (string, error)

func (f renderFunc) Render(ctx context.Context, in contract.CreateOwnedVPSInput) (string, error) {
	return f(ctx, in)
}
