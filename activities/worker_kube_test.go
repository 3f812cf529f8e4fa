package activities_test

import (
	"slices"
	"testing"

	"go.temporal.io/sdk/testsuite"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/vpsie/vpsie-autoscaler/activities"
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestRecordedWorkersAreTheGroupsOnly(t *testing.T) {
	s := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	vn := func(name, group, worker string) *v1alpha1.VPSieNode {
		return &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
			Spec: v1alpha1.VPSieNodeSpec{NodeGroup: group}, Status: v1alpha1.VPSieNodeStatus{WorkerID: worker}}
	}
	c := fake.NewClientBuilder().WithScheme(s).WithObjects(vn("a", "g", "w-1"), vn("b", "g", ""), vn("c", "other", "w-9")).Build()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	activities.Register(env, activities.Set{Health: &activities.Health{}, Kube: &activities.Kube{Client: c}})
	val, err := env.ExecuteActivity(contract.RecordedWorkersActivity, contract.RecordedWorkersInput{Namespace: "ns", NodeGroup: "g"})
	var got contract.RecordedWorkersResult
	if err == nil {
		err = val.Get(&got)
	}
	if err != nil || !slices.Equal(got.WorkerIDs, []string{"w-1"}) {
		t.Fatalf("= %+v, %v; want w-1 only", got, err)
	}
}
