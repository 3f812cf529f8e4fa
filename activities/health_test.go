package activities_test

import (
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestTemporalHealthPingAnswersWithWorkerIdentity(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	activities.Register(env, activities.Set{Health: &activities.Health{Identity: "worker-1"}})

	val, err := env.ExecuteActivity(contract.PingActivity, contract.PingInput{Message: "hi"})
	if err != nil {
		t.Fatalf("ping: %v", err)
	}
	var got contract.PingResult
	if err := val.Get(&got); err != nil {
		t.Fatalf("decoding result: %v", err)
	}
	want := contract.PingResult{Message: "hi", Identity: "worker-1"}
	if got != want {
		t.Errorf("result = %+v, want %+v", got, want)
	}
}
