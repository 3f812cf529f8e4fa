package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// scaleUpFakes play the cluster and the VPSie account for one node: noCapacity lists
// the offerings the API refuses, boot is the status the VPS reaches, and joinTimesOut
// and readyTimesOut make those waits run out. They record the order of calls.
type scaleUpFakes struct {
	noCapacity    []string
	boot          string
	joinTimesOut  bool
	readyTimesOut bool
	// failWrites names Kubernetes writes that always fail ("labels", "phase:Ready").
	failWrites []string
	// ownerGoneAt is the phase whose record finds the VPSieNode gone.
	ownerGoneAt string

	deleted bool

	mu    sync.Mutex
	calls []string
}

func (f *scaleUpFakes) call(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *scaleUpFakes) register(env *testsuite.TestWorkflowEnvironment) {
	on := func(name string, fn any) { env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name}) }
	on(contract.CreateVPSieNodeActivity, func(_ context.Context, in contract.CreateVPSieNodeInput) (contract.VPSieNodeRef, error) {
		f.call("vpsienode:" + in.Name + "@" + in.Placement.OfferingID)
		return contract.VPSieNodeRef{Namespace: in.Namespace, Name: in.Name, UID: "uid-" + in.Name}, nil
	})
	on(contract.CreateOwnedVPSActivity, func(_ context.Context, in contract.CreateOwnedVPSInput) (contract.CreateOwnedVPSResult, error) {
		f.call("vps:" + in.Hostname)
		if in.Owner.UID != "uid-"+in.Hostname || in.Join == nil || in.TokenTTL != 12*time.Minute {
			return contract.CreateOwnedVPSResult{}, temporal.NewNonRetryableApplicationError("bad input", contract.ErrInvalidInput, nil)
		}
		if slices.Contains(f.noCapacity, in.OfferingID) {
			return contract.CreateOwnedVPSResult{}, temporal.NewNonRetryableApplicationError("409", contract.ErrVPSieCapacityExhausted, nil)
		}
		return contract.CreateOwnedVPSResult{VPSState: contract.VPSState{VPSID: "vps-" + in.Hostname, Status: "creating", Found: true}}, nil
	})
	polls := 0
	on(contract.GetVPSStateActivity, func(_ context.Context, in contract.GetVPSStateInput) (contract.VPSState, error) {
		polls++
		status := "creating"
		if polls > 1 {
			status = f.boot
		}
		if f.deleted {
			f.call("state:" + in.VPSID)
			return contract.VPSState{VPSID: in.VPSID}, nil
		}
		return contract.VPSState{VPSID: in.VPSID, Status: status, Found: true}, nil
	})
	on(contract.InspectVPSActivity, func(_ context.Context, in contract.InspectVPSInput) (contract.JudgedVPS, error) {
		f.call("inspect:" + in.VPSID)
		return contract.JudgedVPS{VPSState: contract.VPSState{VPSID: in.VPSID, Found: true}, Verdict: contract.VerdictOwned}, nil
	})
	on(contract.FindOwnedVPSActivity, func(_ context.Context, in contract.FindOwnedVPSInput) (contract.FindOwnedVPSResult, error) {
		f.call("find:" + in.Hostname)
		return contract.FindOwnedVPSResult{}, nil
	})
	on(contract.DeleteOwnedVPSActivity, func(_ context.Context, in contract.DeleteOwnedVPSInput) error {
		f.call("delete-vps:" + in.VPSID)
		f.deleted = in.Owner.UID == "uid-"+in.Hostname && in.Verdict.Deletable()
		return nil
	})
	on(contract.DeleteVPSieNodeNodeActivity, func(_ context.Context, in contract.DeleteVPSieNodeNodeInput) (contract.DeleteVPSieNodeNodeResult, error) {
		f.call("node:" + in.NodeName)
		return contract.DeleteVPSieNodeNodeResult{Deleted: true}, nil
	})
	on(contract.RecordVPSieNodeActivity, func(_ context.Context, in contract.RecordVPSieNodeInput) error {
		f.call("phase:" + in.Name + ":" + in.Phase + recordedWorker(in.WorkerID))
		if slices.Contains(f.failWrites, "phase:"+in.Phase) {
			return errors.New("apiserver unavailable")
		}
		if in.Phase == f.ownerGoneAt && in.MustExist {
			return temporal.NewNonRetryableApplicationError("vpsienode gone", contract.ErrOwnerGone, nil)
		}
		return nil
	})
	on(contract.WaitNodeRegisteredActivity, func(_ context.Context, in contract.WaitNodeInput) (string, error) {
		f.call("registered:" + in.ProviderID)
		if f.joinTimesOut {
			return "", temporal.NewNonRetryableApplicationError("no node", contract.ErrWaitTimedOut, nil)
		}
		return in.NodeName, nil
	})
	on(contract.ApplyNodeTemplateActivity, func(_ context.Context, in contract.ApplyNodeTemplateInput) error {
		f.call(fmt.Sprintf("labels:%s:%s:%d:%s", in.NodeName, in.Labels[contract.LabelOffering], len(in.Taints), in.ProviderID))
		if slices.Contains(f.failWrites, "labels") {
			return errors.New("apiserver unavailable")
		}
		return nil
	})
	on(contract.WaitNodeReadyActivity, func(_ context.Context, in contract.WaitNodeInput) error {
		f.call("ready:" + in.NodeName)
		if f.readyTimesOut {
			return temporal.NewNonRetryableApplicationError("not ready", contract.ErrWaitTimedOut, nil)
		}
		return nil
	})
	on(contract.RevokeBootstrapTokenActivity, func(_ context.Context, in contract.VPSieNodeRef) error {
		f.call("revoke:" + in.Name + ":" + in.UID)
		return nil
	})
	on(contract.DeleteVPSieNodeActivity, func(_ context.Context, in contract.VPSieNodeRef) error {
		f.call("delete:" + in.Name)
		return nil
	})
	env.OnWorkflow(contract.DrainAndDeleteWorkflow, mock.Anything, mock.Anything).Return(
		func(ctx workflow.Context, in contract.DrainAndDeleteInput) (contract.DrainAndDeleteResult, error) {
			f.call("drain:" + in.NodeName + ":" + in.VPSieNode.Name)
			if id := workflow.GetInfo(ctx).WorkflowExecution.ID; id != contract.DrainWorkflowID(in.NodeName) {
				f.call("wrong drain id " + id)
			}
			return contract.DrainAndDeleteResult{Outcome: contract.DrainDeleted}, nil
		})
}

func TestScaleUpProvisionsEachNodeAndCompensatesFailures(t *testing.T) {
	cheap := contract.Placement{OfferingID: "std-1", DatacenterID: "ams1"}
	bigger := contract.Placement{OfferingID: "std-2", DatacenterID: "ams1"}
	// The token is revoked as soon as the Node registered, and by every compensation of a
	// node that has a VPSieNode (its UID names the token).
	happy := []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Provisioning", "phase:n-1:Provisioned",
		"registered:vpsie://vps-n-1", "revoke:n-1:uid-n-1", "phase:n-1:Joining", "labels:n-1:std-1:1:vpsie://vps-n-1", "ready:n-1",
		"phase:n-1:Ready"}
	tests := []struct {
		name       string
		fakes      *scaleUpFakes
		wantCalls  []string
		wantReady  bool
		wantReason string
	}{
		{name: "creates, waits for boot, join and ready, labels the node", fakes: &scaleUpFakes{boot: "running"},
			wantCalls: happy, wantReady: true},
		{name: "no capacity for the cheapest offering: the next placement, under its own name",
			fakes: &scaleUpFakes{boot: "running", noCapacity: []string{"std-1"}},
			wantCalls: []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Failed", "revoke:n-1:uid-n-1", "delete:n-1",
				"vpsienode:n-1-f1@std-2", "vps:n-1-f1", "phase:n-1-f1:Provisioning", "phase:n-1-f1:Provisioned",
				"registered:vpsie://vps-n-1-f1", "revoke:n-1-f1:uid-n-1-f1", "phase:n-1-f1:Joining",
				"labels:n-1-f1:std-2:1:vpsie://vps-n-1-f1", "ready:n-1-f1", "phase:n-1-f1:Ready"},
			wantReady: true},
		{name: "no capacity anywhere: compensated, reason capacity",
			fakes: &scaleUpFakes{boot: "running", noCapacity: []string{"std-1", "std-2"}},
			wantCalls: []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Failed", "revoke:n-1:uid-n-1", "delete:n-1",
				"vpsienode:n-1-f1@std-2", "vps:n-1-f1", "phase:n-1-f1:Failed", "revoke:n-1-f1:uid-n-1-f1", "delete:n-1-f1"},
			wantReason: contract.FailureCapacity},
		{name: "a failed boot is compensated", fakes: &scaleUpFakes{boot: "failed"},
			wantCalls: []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Provisioning", "phase:n-1:Failed",
				"revoke:n-1:uid-n-1", "delete:n-1"},
			wantReason: contract.FailureBoot},
		{name: "a node that never joins is compensated", fakes: &scaleUpFakes{boot: "running", joinTimesOut: true},
			wantCalls: []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Provisioning", "phase:n-1:Provisioned",
				"registered:vpsie://vps-n-1", "phase:n-1:Failed", "revoke:n-1:uid-n-1", "delete:n-1"},
			wantReason: contract.FailureJoinTimeout},
		{name: "a node that never gets ready is compensated", fakes: &scaleUpFakes{boot: "running", readyTimesOut: true},
			wantCalls:  append(slices.Clone(happy[:len(happy)-1]), "phase:n-1:Failed", "revoke:n-1:uid-n-1", "delete:n-1"),
			wantReason: contract.FailureNotReady},
		// A VPSieNode deleted while its VPS was created: the VPS just made (and its Node)
		// are deleted through the termination's steps, not left to bill forever.
		{name: "vpsienode gone after the create: the vps made for it is deleted",
			fakes: &scaleUpFakes{boot: "running", ownerGoneAt: contract.PhaseProvisioning},
			wantCalls: []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Provisioning", "revoke:n-1:uid-n-1", "inspect:vps-n-1", "find:n-1",
				"delete-vps:vps-n-1", "state:vps-n-1", "node:n-1"},
			wantReason: contract.FailureOwnerGone},
		{name: "vpsienode gone when the node joined: its vps and node are deleted",
			fakes: &scaleUpFakes{boot: "running", ownerGoneAt: contract.PhaseJoining},
			wantCalls: append(slices.Clone(happy[:7]), "inspect:vps-n-1", "find:n-1", "delete-vps:vps-n-1", "state:vps-n-1",
				"node:n-1"),
			wantReason: contract.FailureOwnerGone},
		// A Ready node may already run pods: a Kubernetes write that keeps failing after the
		// Node joined drains it (PDBs respected) instead of deleting it bare, and the node is
		// not reported Ready.
		{name: "recording Ready keeps failing: retried, then drained, not Ready",
			fakes: &scaleUpFakes{boot: "running", failWrites: []string{"phase:Ready"}},
			wantCalls: append(slices.Clone(happy), append(slices.Repeat([]string{"phase:n-1:Ready"}, workflows.LiveNodeWriteAttempts-1),
				"phase:n-1:Failed", "drain:n-1:n-1")...),
			wantReason: contract.FailureNodeWrite},
		{name: "labelling the joined node keeps failing: retried, then drained, not Ready",
			fakes: &scaleUpFakes{boot: "running", failWrites: []string{"labels"}},
			wantCalls: append(slices.Clone(happy[:8]), append(slices.Repeat([]string{"labels:n-1:std-1:1:vpsie://vps-n-1"}, workflows.LiveNodeWriteAttempts-1),
				"phase:n-1:Failed", "drain:n-1:n-1")...),
			wantReason: contract.FailureNodeWrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			workflows.Register(env)
			tt.fakes.register(env)
			in := contract.ScaleUpInput{Namespace: "ns", NodeGroup: "g", Cluster: "c1", Batch: "b1",
				Template: contract.NodeTemplate{ImageID: "img", Taints: []contract.Taint{{Key: "k", Effect: "NoSchedule"}}},
				Nodes:    []contract.NodeRequest{{Name: "n-1", Placements: []contract.Placement{cheap, bigger}}},
				Timeouts: contract.ScaleUpTimeouts{Boot: time.Minute, Join: time.Minute, Ready: time.Minute}}
			// The token lives through boot and join, plus the margin: 1m + 1m + 10m.
			res := runScaleUp(t, env, in)
			if !slices.Equal(tt.fakes.calls, tt.wantCalls) {
				t.Fatalf("calls =\n  %v\nwant\n  %v", tt.fakes.calls, tt.wantCalls)
			}
			got := res.Nodes[0]
			if got.Ready != tt.wantReady || got.Reason != tt.wantReason {
				t.Fatalf("outcome %+v, want ready %v reason %q", got, tt.wantReady, tt.wantReason)
			}
		})
	}
}

// A ScaleUp cancelled while its create runs is compensated after the create: the
// VPSieNode is marked Failed and deleted, so its termination (which waits out the
// listing lag when no VPS was recorded) finds a VPS the create made.
func TestScaleUpCancelledDuringTheCreateIsCompensated(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	workflows.Register(env)
	f := &scaleUpFakes{boot: "running"}
	f.register(env)
	env.OnActivity(contract.CreateOwnedVPSActivity, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in contract.CreateOwnedVPSInput) (contract.CreateOwnedVPSResult, error) {
			f.call("vps:" + in.Hostname)
			env.CancelWorkflow() // the POST is on its way
			return contract.CreateOwnedVPSResult{VPSState: contract.VPSState{VPSID: "vps-" + in.Hostname, Found: true}}, nil
		})
	in := contract.ScaleUpInput{Namespace: "ns", NodeGroup: "g", Cluster: "c1", Batch: "b1",
		Nodes:    []contract.NodeRequest{{Name: "n-1", Placements: []contract.Placement{{OfferingID: "std-1", DatacenterID: "ams1"}}}},
		Timeouts: contract.ScaleUpTimeouts{Boot: time.Minute, Join: time.Minute, Ready: time.Minute}}
	env.ExecuteWorkflow(contract.ScaleUpWorkflow, in)
	want := []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Failed", "revoke:n-1:uid-n-1", "delete:n-1"}
	if !slices.Equal(f.calls, want) {
		t.Fatalf("calls =\n  %v\nwant\n  %v", f.calls, want)
	}
}

// runScaleUp runs the workflow to its end and returns its result.
func runScaleUp(t *testing.T, env *testsuite.TestWorkflowEnvironment, in contract.ScaleUpInput) contract.ScaleUpResult {
	t.Helper()
	env.ExecuteWorkflow(contract.ScaleUpWorkflow, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res contract.ScaleUpResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return res
}
