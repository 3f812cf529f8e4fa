package scaleup

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/timestamppb"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/catalogue"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
)

// finishedRuns is a Temporal client where some workflow IDs ran and closed at given times.
type finishedRuns struct {
	closed  map[string]time.Time
	started []string
}

func (f *finishedRuns) ExecuteWorkflow(_ context.Context, o sdkclient.StartWorkflowOptions, _ any, _ ...any) (sdkclient.WorkflowRun, error) {
	if _, ok := f.closed[o.ID]; ok {
		return nil, serviceerror.NewWorkflowExecutionAlreadyStarted("ran", "", "")
	}
	f.started = append(f.started, o.ID)
	return nil, nil
}

func (f *finishedRuns) DescribeWorkflowExecution(_ context.Context, id, _ string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	at, ok := f.closed[id]
	if !ok {
		return nil, errors.New("not found")
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflow.WorkflowExecutionInfo{CloseTime: timestamppb.New(at)}}, nil
}

func TestARepeatedIntentStartsItsNextRunOnlyAfterTheLastOneBackedOff(t *testing.T) {
	now := time.Unix(10_000, 0)
	g := &v1alpha1.NodeGroup{}
	g.Namespace, g.Name = "ns", "g"
	in := plan.Intent{NodeGroup: types.NamespacedName{Namespace: "ns", Name: "g"}, Offering: "std-1", Datacenter: "ams1",
		Count: 1, Reason: plan.ReasonPendingPods, Pods: []types.NamespacedName{{Namespace: "ns", Name: "p"}}}
	id := func(n int) string { return "scaleup/ns/g/" + batchID(in, 0, n) }
	cases := []struct {
		name    string
		closed  map[string]time.Time
		want    string // the ID started; "" when the intent waits
		waitErr bool
	}{
		{name: "a new intent starts run 0", want: id(0)},
		{name: "run 0 finished 10s ago: the pods wait (backoff 30s)", closed: map[string]time.Time{id(0): now.Add(-10 * time.Second)},
			waitErr: true},
		{name: "run 0 finished 40s ago: run 1 starts", closed: map[string]time.Time{id(0): now.Add(-40 * time.Second)}, want: id(1)},
		{name: "run 1 finished 40s ago: run 2 waits for 60s", closed: map[string]time.Time{
			id(0): now.Add(-5 * time.Minute), id(1): now.Add(-40 * time.Second)}, waitErr: true},
		{name: "run 1 finished 2m ago: run 2 starts", closed: map[string]time.Time{
			id(0): now.Add(-5 * time.Minute), id(1): now.Add(-2 * time.Minute)}, want: id(2)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := &finishedRuns{closed: tc.closed}
			p := &Provisioner{starter: workflowstart.New(fake, "q"), clock: clocktesting.NewFakeClock(now),
				launched: newLaunched(), cfg: config.ScaleUpConfig{MinBackoff: 30 * time.Second, MaxBackoff: 10 * time.Minute}, catalogue: &catalogue.Cache{}}
			_, _, err := p.startRun(context.Background(), g, in, plan.Result{}, 0)
			if tc.waitErr != errors.Is(err, errRanRecently) || (!tc.waitErr && err != nil) {
				t.Fatalf("err = %v, want waiting %v", err, tc.waitErr)
			}
			var got string
			if len(fake.started) > 0 {
				got = fake.started[0]
			}
			if got != tc.want {
				t.Errorf("started %q, want %q", got, tc.want)
			}
		})
	}
}
