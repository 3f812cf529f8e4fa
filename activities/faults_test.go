package activities_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

const faultyNodes = 10

// createThenTerminate creates one VPSieNode's VPS and then terminates it through the
// real termination workflow, for every node at once, all under Temporal's retries.
func createThenTerminate(ctx workflow.Context, n int) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 10 * time.Millisecond, MaximumInterval: time.Second},
	})
	errs := make([]error, n)
	wg := workflow.NewWaitGroup(ctx)
	for i := range n {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			o := contract.Owner{Cluster: "c1", Namespace: "ns", Name: fmt.Sprintf("vn-%d", i), UID: fmt.Sprintf("uid-%d", i)}
			host := fmt.Sprintf("fault-%d", i)
			in := contract.CreateOwnedVPSInput{Owner: o, Hostname: host, OfferingID: "std-2c-4g", DatacenterID: "ams1",
				ImageID: "ubuntu-24.04-x64"}
			var vps contract.CreateOwnedVPSResult
			if errs[i] = workflow.ExecuteActivity(ctx, contract.CreateOwnedVPSActivity, in).Get(ctx, &vps); errs[i] != nil {
				return
			}
			term := contract.TerminateVPSieNodeInput{Namespace: o.Namespace, Name: o.Name, UID: o.UID, Cluster: o.Cluster,
				VPSID: vps.VPSID, Hostname: host}
			errs[i] = workflow.ExecuteChildWorkflow(ctx, contract.TerminateVPSieNodeWorkflow, term).Get(ctx, nil)
		})
	}
	wg.Wait(ctx)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// The fault test: 10 % server errors, 10 % rate limiting and 5 % lost answers on every
// call, a listing that lags two lookups behind, pages of two VMs and, in shape B,
// listings without tags. Every VPS is created once and every one is gone at the end.
func TestCreateAndTerminateUnderFaultsMakeNoDuplicateAndLeaveNoOrphan(t *testing.T) {
	for _, shape := range shapes {
		t.Run(shape.String(), func(t *testing.T) {
			a := simulatedVPSie(t, shape, func(c *vpsiesim.Config) { c.ListingLagLookups, c.PageSize = 2, 2 })
			for i := range 5 { // others' VMs, so listings span pages
				a.post(fmt.Sprintf("other-%d", i), []string{"env:prod"})
			}
			if err := a.sim.SetFaults(vpsiesim.Faults{Seed: 20, Default: vpsiesim.EndpointFaults{ErrorRate: 0.1,
				RateLimitRate: 0.1, RetryAfter: vpsiesim.Duration(time.Second), LostResponseRate: 0.05}}); err != nil {
				t.Fatal(err)
			}
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestWorkflowEnvironment()
			env.SetTestTimeout(5 * time.Minute)
			workflows.Register(env)
			env.RegisterWorkflowWithOptions(createThenTerminate, workflow.RegisterOptions{Name: "CreateThenTerminate"})
			activities.RegisterVPSie(env, &activities.VPSie{API: a.api, ListingLag: time.Second, ListingPoll: 50 * time.Millisecond})
			registerNoopKube(env)
			env.ExecuteWorkflow("CreateThenTerminate", faultyNodes)
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			st := a.sim.Snapshot()
			if d := st.Duplicates(); len(d) != 0 {
				t.Errorf("duplicate creates: %v", d)
			}
			for i := range faultyNodes {
				h := fmt.Sprintf("fault-%d", i)
				if st.Creates(h) != 1 || len(st.VMsByHostname(h)) != 0 {
					t.Errorf("%s: %d creates, %d left; want 1 and 0", h, st.Creates(h), len(st.VMsByHostname(h)))
				}
			}
			total, failed := 0, 0
			for _, n := range st.CallCounts {
				total += n
			}
			for _, c := range st.Calls {
				if c.Status >= 429 {
					failed++
				}
			}
			t.Logf("shape %s: %d api calls, %d of the last %d failed by injection", shape, total, failed, len(st.Calls))
		})
	}
}

// registerNoopKube stands in for the Kubernetes activities, which this test is not about.
func registerNoopKube(env *testsuite.TestWorkflowEnvironment) {
	env.RegisterActivityWithOptions(func(context.Context, contract.RecordVPSieNodeInput) error { return nil },
		activity.RegisterOptions{Name: contract.RecordVPSieNodeActivity})
	env.RegisterActivityWithOptions(func(context.Context, contract.DeleteVPSieNodeNodeInput) (contract.DeleteVPSieNodeNodeResult, error) {
		return contract.DeleteVPSieNodeNodeResult{}, nil
	}, activity.RegisterOptions{Name: contract.DeleteVPSieNodeNodeActivity})
	env.RegisterActivityWithOptions(func(context.Context, contract.VPSieNodeRef) error { return nil },
		activity.RegisterOptions{Name: contract.ReleaseVPSieNodeActivity})
}
