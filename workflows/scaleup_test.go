package workflows_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

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
		if in.Owner.UID != "uid-"+in.Hostname || in.Join == nil {
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
		return contract.VPSState{VPSID: in.VPSID, Status: status, Found: true}, nil
	})
	on(contract.RecordVPSieNodeActivity, func(_ context.Context, in contract.RecordVPSieNodeInput) error {
		f.call("phase:" + in.Name + ":" + in.Phase + recordedWorker(in.WorkerID))
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
		f.call(fmt.Sprintf("labels:%s:%s:%d", in.NodeName, in.Labels[contract.LabelOffering], len(in.Taints)))
		return nil
	})
	on(contract.WaitNodeReadyActivity, func(_ context.Context, in contract.WaitNodeInput) error {
		f.call("ready:" + in.NodeName)
		if f.readyTimesOut {
			return temporal.NewNonRetryableApplicationError("not ready", contract.ErrWaitTimedOut, nil)
		}
		return nil
	})
	on(contract.DeleteVPSieNodeActivity, func(_ context.Context, in contract.VPSieNodeRef) error {
		f.call("delete:" + in.Name)
		return nil
	})
}

func TestScaleUpProvisionsEachNodeAndCompensatesFailures(t *testing.T) {
	cheap := contract.Placement{OfferingID: "std-1", DatacenterID: "ams1"}
	bigger := contract.Placement{OfferingID: "std-2", DatacenterID: "ams1"}
	happy := []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Provisioning", "phase:n-1:Provisioned",
		"registered:vpsie://vps-n-1", "phase:n-1:Joining", "labels:n-1:std-1:1", "ready:n-1", "phase:n-1:Ready"}
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
			wantCalls: []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Failed", "delete:n-1",
				"vpsienode:n-1-f1@std-2", "vps:n-1-f1", "phase:n-1-f1:Provisioning", "phase:n-1-f1:Provisioned",
				"registered:vpsie://vps-n-1-f1", "phase:n-1-f1:Joining", "labels:n-1-f1:std-2:1", "ready:n-1-f1",
				"phase:n-1-f1:Ready"},
			wantReady: true},
		{name: "no capacity anywhere: compensated, reason capacity",
			fakes: &scaleUpFakes{boot: "running", noCapacity: []string{"std-1", "std-2"}},
			wantCalls: []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Failed", "delete:n-1",
				"vpsienode:n-1-f1@std-2", "vps:n-1-f1", "phase:n-1-f1:Failed", "delete:n-1-f1"},
			wantReason: contract.FailureCapacity},
		{name: "a failed boot is compensated", fakes: &scaleUpFakes{boot: "failed"},
			wantCalls:  []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Provisioning", "phase:n-1:Failed", "delete:n-1"},
			wantReason: contract.FailureBoot},
		{name: "a node that never joins is compensated", fakes: &scaleUpFakes{boot: "running", joinTimesOut: true},
			wantCalls: []string{"vpsienode:n-1@std-1", "vps:n-1", "phase:n-1:Provisioning", "phase:n-1:Provisioned",
				"registered:vpsie://vps-n-1", "phase:n-1:Failed", "delete:n-1"},
			wantReason: contract.FailureJoinTimeout},
		{name: "a node that never gets ready is compensated", fakes: &scaleUpFakes{boot: "running", readyTimesOut: true},
			wantCalls:  append(slices.Clone(happy[:len(happy)-1]), "phase:n-1:Failed", "delete:n-1"),
			wantReason: contract.FailureNotReady},
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
			env.ExecuteWorkflow(contract.ScaleUpWorkflow, in)
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			var res contract.ScaleUpResult
			if err := env.GetWorkflowResult(&res); err != nil {
				t.Fatal(err)
			}
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
