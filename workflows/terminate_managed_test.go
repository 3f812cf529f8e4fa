package workflows_test

import (
	"context"
	"slices"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// A VPSieNode that recorded a managed worker is terminated by deleting that worker by its
// identifier: no VPS lookup by hostname, then the Node, then the finalizer.
func TestTerminateDeletesTheRecordedManagedWorker(t *testing.T) {
	for _, verdict := range []contract.Verdict{contract.VerdictOwned, contract.VerdictGone} {
		t.Run(string(verdict), func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			workflows.Register(env)
			f := &terminateFakes{}
			f.register(env)
			env.RegisterActivityWithOptions(func(_ context.Context, in contract.DeleteManagedWorkerInput) (contract.DeleteManagedWorkerResult, error) {
				f.calls = append(f.calls, "delete-worker:"+in.Cluster+"/"+in.WorkerID)
				return contract.DeleteManagedWorkerResult{Verdict: verdict}, nil
			}, activity.RegisterOptions{Name: contract.DeleteManagedWorkerActivity})
			in := contract.TerminateVPSieNodeInput{Namespace: "ns", Name: "n-1", UID: "u1", Cluster: "c1", Hostname: "n-1",
				NodeName: "k8s-w-1", WorkerID: "w-1", ManagedCluster: "mk"}
			env.ExecuteWorkflow(contract.TerminateVPSieNodeWorkflow, in)
			var res contract.TerminateResult
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			if err := env.GetWorkflowResult(&res); err != nil {
				t.Fatal(err)
			}
			want := []string{"phase:Deleting", "delete-worker:mk/w-1", "node:k8s-w-1()", "release:n-1"}
			if !slices.Equal(f.calls, want) {
				t.Fatalf("calls = %v, want %v", f.calls, want)
			}
			if gone := slices.Contains(res.Gone, "w-1"); gone != (verdict == contract.VerdictGone) {
				t.Fatalf("result %+v for verdict %s", res, verdict)
			}
		})
	}
}
