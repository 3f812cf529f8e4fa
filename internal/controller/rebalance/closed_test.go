package rebalance

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/types/known/timestamppb"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// closedRun is a Temporal whose group's rebalance run has closed with result.
type closedRun struct {
	result contract.RebalanceResult
	gets   int
}

func (f *closedRun) DescribeWorkflowExecution(context.Context, string, string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	now := time.Now()
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
		Status: enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, StartTime: timestamppb.New(now.Add(-time.Minute)),
		CloseTime: timestamppb.New(now)}}, nil
}

func (f *closedRun) GetWorkflow(_ context.Context, id, runID string) sdkclient.WorkflowRun {
	f.gets++
	return doneRun{id: id, runID: runID, result: f.result}
}

func (f *closedRun) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	return nil, nil
}

func (f *closedRun) SignalWorkflow(context.Context, string, string, string, any) error { return nil }

// doneRun is a run whose result is there at once.
type doneRun struct {
	sdkclient.WorkflowRun
	id, runID string
	result    contract.RebalanceResult
}

func (r doneRun) GetID() string    { return r.id }
func (r doneRun) GetRunID() string { return r.runID }
func (r doneRun) Get(_ context.Context, v any) error {
	*(v.(*contract.RebalanceResult)) = r.result
	return nil
}

// A run that closed while no autoscaler followed it (the leader was killed right after its
// last step) is reported once by the next leader when status.rebalance still shows it
// unfinished; a group whose status is finished is left alone.
func TestARunThatClosedUnfollowedIsReportedOnceWhenTheStatusShowsItUnfinished(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     *v1alpha1.NodeGroupRebalanceStatus
		wantReport bool
	}{
		{"unfinished status", &v1alpha1.NodeGroupRebalanceStatus{PlanID: "p1", StartedAt: &metav1.Time{Time: time.Now()}}, true},
		{"finished status", &v1alpha1.NodeGroupRebalanceStatus{PlanID: "p1", StartedAt: &metav1.Time{Time: time.Now()},
			FinishedAt: &metav1.Time{Time: time.Now()}, Outcome: contract.RebalanceCompleted}, false},
		{"no status", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "g"}}
			g.Status.Rebalance = tc.status
			temporal := &closedRun{result: contract.RebalanceResult{Outcome: contract.RebalanceCompleted}}
			m, err := NewMetrics(prometheus.NewRegistry())
			if err != nil {
				t.Fatal(err)
			}
			reports := NewReports()
			c := NewController(nil, nil, temporal, nil, events.NewFakeRecorder(16), clocktesting.NewFakeClock(time.Now()),
				config.Default().Rebalance, Options{}, m, reports)
			o := observation{view: &clusterview.View{NodeGroups: []*v1alpha1.NodeGroup{g}}}
			for range 3 { // passes
				if st := c.groupStates(context.Background(), o)[keyOf(g)]; st.running || st.closed.IsZero() {
					t.Fatalf("group state %+v, want closed", st)
				}
			}
			deadline := time.Now().Add(5 * time.Second)
			var got bool
			for time.Now().Before(deadline) {
				r, ok := reports.Get(keyOf(g))
				if got = ok && r.Status != nil && r.Status.Outcome == contract.RebalanceCompleted; got || !tc.wantReport {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if got != tc.wantReport {
				t.Errorf("reported the ending: %v, want %v", got, tc.wantReport)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.wantReport]; temporal.gets != want {
				t.Errorf("followed the closed run %d times in 3 passes, want %d", temporal.gets, want)
			}
		})
	}
}
