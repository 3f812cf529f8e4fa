package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestRunsListsTheGroupsRunsBySearchAttribute(t *testing.T) {
	a, out, errOut := testApp(t, objects(group("general", 0, 5, "small")))
	tc := mocks.NewClient(t)
	started := timestamppb.New(testNow.Add(-10 * time.Minute))
	exec := func(id, typ string, st enumspb.WorkflowExecutionStatus, closed bool) *workflowpb.WorkflowExecutionInfo {
		e := &workflowpb.WorkflowExecutionInfo{Execution: &commonpb.WorkflowExecution{WorkflowId: id, RunId: "r-" + typ},
			Type: &commonpb.WorkflowType{Name: typ}, Status: st, StartTime: started}
		if closed {
			e.CloseTime = timestamppb.New(testNow.Add(-7 * time.Minute))
		}
		return e
	}
	tc.On("ListWorkflow", mock.Anything, mock.MatchedBy(func(r *workflowservice.ListWorkflowExecutionsRequest) bool {
		return r.Query == `NodeGroup = "default/general"` && r.Namespace == "default"
	})).Return(&workflowservice.ListWorkflowExecutionsResponse{Executions: []*workflowpb.WorkflowExecutionInfo{
		exec("scaleup/default/general/abc", "ScaleUp", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, true),
		exec("drain/n1", "DrainAndDelete", enumspb.WORKFLOW_EXECUTION_STATUS_FAILED, true),
		exec("rebalance/default/general", "Rebalance", enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, false),
	}}, nil)
	failed := &mocks.WorkflowRun{}
	failed.On("Get", mock.Anything, nil).Return(errorString("activity DrainNode failed: pod web-1 not evicted"))
	tc.On("GetWorkflow", mock.Anything, "drain/n1", "r-DrainAndDelete").Return(failed)
	tc.On("Close").Return()
	a.NewTemporal = func(context.Context) (sdkclient.Client, error) { return tc, nil }
	a.Color = "always"
	if code := Run(context.Background(), a, []string{"runs", "general", "-o", "wide"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"ScaleUp", "Completed", "3m0s", "DrainAndDelete", "Failed", "pod web-1 not evicted",
		"Rebalance", "Running", "10m0s", "http://ui.example:8233/namespaces/default/workflows/drain/n1/r-DrainAndDelete"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	for _, w := range []string{green + "Completed", red + "Failed", yellow + "Running"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks the colour of %q", w[len(green):])
		}
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestTheCatalogueIsTheCatalogueWorkflowsLastResult(t *testing.T) {
	a, out, errOut := testApp(t, objects(group("general", 0, 5, "small", "large"), member("n1", "general", "large", "4", "8Gi")))
	a.CatalogueFile, a.Cluster = "", "prod"
	tc := mocks.NewClient(t)
	run := &mocks.WorkflowRun{}
	run.On("Get", mock.Anything, mock.Anything).Run(func(args mock.Arguments) {
		b, _ := json.Marshal(testCatalogue)
		_ = json.Unmarshal(b, args.Get(1).(*contract.Catalogue))
	}).Return(nil)
	tc.On("GetWorkflow", mock.Anything, "catalogue/prod", "").Return(run)
	tc.On("Close").Return()
	a.NewTemporal = func(context.Context) (sdkclient.Client, error) { return tc, nil }
	if code := Run(context.Background(), a, []string{"cost"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out.String(), "prices from workflow catalogue/prod") || !strings.Contains(out.String(), "$40.00") {
		t.Errorf("output:\n%s", out)
	}
}

func TestWithoutACatalogueCostFailsAndPlansWarn(t *testing.T) {
	objs := objects(group("general", 0, 5, "small"), pending("web", "500m", "1Gi"))
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{args: []string{"cost"}, code: ExitError, want: "cost needs the catalogue"},
		{args: []string{"plan"}, code: ExitOK, want: "warning: no catalogue: Temporal is not reachable"},
	} {
		t.Run(tt.args[0], func(t *testing.T) {
			a, _, errOut := testApp(t, objs)
			a.CatalogueFile = ""
			if code := Run(context.Background(), a, tt.args); code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", errOut, tt.want)
			}
		})
	}
}
