package activities_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/vpsie/vpsie-autoscaler/activities"
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// A VPSieNode deleted while its create was in flight has no recorded VPS: the VPS made
// just before the termination is not listed yet (the listing lags three lookups). A
// termination that trusts its first lookup releases the finalizer and leaks the VPS.
func TestTerminationWithoutARecordedVPSWaitsOutTheListingLag(t *testing.T) {
	for _, shape := range shapes {
		t.Run(shape.String(), func(t *testing.T) {
			a := simulatedVPSie(t, shape, func(c *vpsiesim.Config) { c.ListingLagLookups = 3 })
			a.post("vn-1", owner.Tags())
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestWorkflowEnvironment()
			env.SetTestTimeout(time.Minute)
			// Real HTTP calls on a loaded machine: the default 1 s deadlock detector misfires.
			env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: time.Minute})
			workflows.Register(env)
			activities.RegisterVPSie(env, &activities.VPSie{API: a.api, ListingLag: time.Second, ListingPoll: 50 * time.Millisecond})
			registerNoopKube(env)
			env.ExecuteWorkflow(contract.TerminateVPSieNodeWorkflow, contract.TerminateVPSieNodeInput{Namespace: owner.Namespace,
				Name: owner.Name, UID: owner.UID, Cluster: owner.Cluster, Hostname: "vn-1"})
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			if left := a.sim.Snapshot().VMsByHostname("vn-1"); len(left) != 0 {
				t.Fatalf("termination left %d VPS of the deleted VPSieNode behind", len(left))
			}
		})
	}
}

func testScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// The finalizer is part of the create request: a VPSieNode is never, even for a moment,
// deletable without its termination (the finalizer controller runs only on the leader
// and may be behind, or down).
func TestCreateVPSieNodeCarriesTheFinalizerFromTheStart(t *testing.T) {
	c := fake.NewClientBuilder().WithScheme(testScheme(t)).Build()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	activities.Register(env, activities.Set{Kube: &activities.Kube{Client: c}})
	in := contract.CreateVPSieNodeInput{Namespace: "ns", Name: "vn-1", NodeGroup: "g", ImageID: "img",
		Placement: contract.Placement{OfferingID: "std-1", DatacenterID: "ams1"}, Batch: "b1"}
	if _, err := env.ExecuteActivity(contract.CreateVPSieNodeActivity, in); err != nil {
		t.Fatal(err)
	}
	var got v1alpha1.VPSieNode
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: "ns", Name: "vn-1"}, &got); err != nil {
		t.Fatal(err)
	}
	if !controllerutil.ContainsFinalizer(&got, v1alpha1.FinalizerVPSTermination) {
		t.Fatalf("created without the termination finalizer: %v", got.Finalizers)
	}
}

// On the create path a VPSieNode that is gone, replaced or being deleted is not "nothing
// to record" but ErrOwnerGone (the workflow deletes the VPS it just made), and a create
// asks the same right before its POST, so no VPS is made for it.
func TestCreatePathRefusesAGoneOwner(t *testing.T) {
	now := metav1.Now()
	tests := []struct {
		name     string
		existing *v1alpha1.VPSieNode
		wantGone bool
	}{
		{name: "live: recorded, created", existing: &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns",
			Name: "vn-1", UID: "uid-1"}}},
		{name: "deleted: owner gone", wantGone: true},
		{name: "replaced by a new object of the name: owner gone", wantGone: true,
			existing: &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vn-1", UID: "uid-2"}}},
		{name: "being deleted: owner gone", wantGone: true,
			existing: &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vn-1", UID: "uid-1",
				DeletionTimestamp: &now, Finalizers: []string{v1alpha1.FinalizerVPSTermination}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fake.NewClientBuilder().WithScheme(testScheme(t))
			if tt.existing != nil {
				b = b.WithObjects(tt.existing).WithStatusSubresource(tt.existing)
			}
			kube := &activities.Kube{Client: b.Build()}
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			activities.Register(env, activities.Set{Kube: kube})
			ref := contract.VPSieNodeRef{Namespace: "ns", Name: "vn-1", UID: "uid-1"}
			_, err := env.ExecuteActivity(contract.RecordVPSieNodeActivity, contract.RecordVPSieNodeInput{VPSieNodeRef: ref,
				Phase: contract.PhaseProvisioning, VPSID: "vps-1", MustExist: true})
			if got := hasApplicationError(err, contract.ErrOwnerGone); got != tt.wantGone {
				t.Fatalf("record: %v; want owner gone %v", err, tt.wantGone)
			}

			a := simulatedVPSie(t, shapes[0], nil)
			venv := suite.NewTestActivityEnvironment()
			activities.RegisterVPSie(venv, &activities.VPSie{API: a.api, Owners: kube})
			_, err = venv.ExecuteActivity(contract.CreateOwnedVPSActivity, contract.CreateOwnedVPSInput{Owner: owner,
				Hostname: "vn-1", OfferingID: "std-2c-4g", DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64"})
			if got := hasApplicationError(err, contract.ErrOwnerGone); got != tt.wantGone {
				t.Fatalf("create: %v; want owner gone %v", err, tt.wantGone)
			}
			if want := map[bool]int{true: 0, false: 1}[tt.wantGone]; a.sim.Snapshot().Creates("vn-1") != want {
				t.Fatalf("%d creates, want %d", a.sim.Snapshot().Creates("vn-1"), want)
			}
		})
	}
}

// hasApplicationError reports whether the first application error in err's chain (the
// one Temporal's retry decision reads) has errType and is final.
func hasApplicationError(err error, errType string) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == errType && appErr.NonRetryable()
}
