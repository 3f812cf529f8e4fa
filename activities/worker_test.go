package activities_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// fakeManaged lists scripted cluster infos in turn (the last one repeats) and answers
// deletes from a script; it counts deletes.
type fakeManaged struct {
	mu       sync.Mutex
	listings [][]vpsie.K8sWorker
	deletes  []error
	deleted  int
	add      vpsie.K8sWorker
	addErr   error
}

func (f *fakeManaged) ListK8sWorkers(context.Context, string) ([]vpsie.K8sWorker, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.listings[0]
	if len(f.listings) > 1 {
		f.listings = f.listings[1:]
	}
	return l, nil
}

func (f *fakeManaged) ListK8sNodeGroups(context.Context, string) ([]vpsie.K8sNodeGroup, error) {
	return []vpsie.K8sNodeGroup{{ID: 8, Name: "other"}, {ID: 7, Name: "workers"}}, nil
}

func (f *fakeManaged) AddK8sWorker(context.Context, string, int64) (vpsie.K8sWorker, error) {
	return f.add, f.addErr
}

func (f *fakeManaged) DeleteK8sWorker(context.Context, string, string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted++
	err := f.deletes[0]
	if len(f.deletes) > 1 {
		f.deletes = f.deletes[1:]
	}
	return err
}

func runManaged[T any](t *testing.T, m *activities.Managed, name string, in any) (T, error) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	activities.RegisterManaged(env, m)
	var out T
	val, err := env.ExecuteActivity(name, in)
	if err == nil && val.HasValue() {
		err = val.Get(&out)
	}
	return out, err
}

var (
	w1          = vpsie.K8sWorker{Identifier: "w-1", Hostname: "k-1", GroupID: 7}
	workerOwner = contract.Owner{Cluster: "c1", Namespace: "ns", Name: "n-1", UID: "u1"}
	notFound    = &vpsie.APIError{Kind: vpsie.KindNotFound, StatusCode: 404}
)

// A 404 on delete is "gone" only when the cluster info, read after the listing lag, no
// longer lists the worker; a worker listed meanwhile is deleted again.
func TestDeleteManagedWorkerTreats404AsGoneOnlyWhenUnlisted(t *testing.T) {
	tests := []struct {
		name        string
		listings    [][]vpsie.K8sWorker
		deletes     []error
		wantVerdict contract.Verdict
		wantDeletes int
	}{
		{name: "deleted", listings: [][]vpsie.K8sWorker{{w1}}, deletes: []error{nil},
			wantVerdict: contract.VerdictOwned, wantDeletes: 1},
		{name: "404 and unlisted after the lag: gone", listings: [][]vpsie.K8sWorker{{}}, deletes: []error{notFound},
			wantVerdict: contract.VerdictGone, wantDeletes: 1},
		{name: "404 while the worker is not listed yet, then listed: deleted again",
			listings: [][]vpsie.K8sWorker{{}, {w1}}, deletes: []error{notFound, nil},
			wantVerdict: contract.VerdictOwned, wantDeletes: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeManaged{listings: tt.listings, deletes: tt.deletes}
			m := &activities.Managed{API: f, ListingLag: 300 * time.Millisecond, ListingPoll: 50 * time.Millisecond}
			got, err := runManaged[contract.DeleteManagedWorkerResult](t, m, contract.DeleteManagedWorkerActivity,
				contract.DeleteManagedWorkerInput{Cluster: "mk", WorkerID: "w-1", Owner: workerOwner})
			if err != nil || got.Verdict != tt.wantVerdict || f.deleted != tt.wantDeletes {
				t.Fatalf("= %+v, %v after %d deletes; want %s after %d", got, err, f.deleted, tt.wantVerdict, tt.wantDeletes)
			}
		})
	}
}

func TestDeleteManagedWorkerRefusesWithoutAnOwner(t *testing.T) {
	f := &fakeManaged{deletes: []error{nil}}
	_, err := runManaged[contract.DeleteManagedWorkerResult](t, &activities.Managed{API: f}, contract.DeleteManagedWorkerActivity,
		contract.DeleteManagedWorkerInput{Cluster: "mk", WorkerID: "w-1"})
	if err == nil || f.deleted != 0 {
		t.Fatalf("err = %v after %d deletes; want a refusal without a call", err, f.deleted)
	}
}

func TestFindAddedWorkerWaitsOutTheLagAndIgnoresOtherGroups(t *testing.T) {
	other := vpsie.K8sWorker{Identifier: "w-9", GroupID: 8}
	f := &fakeManaged{listings: [][]vpsie.K8sWorker{{other}, {other}, {other, w1}}}
	m := &activities.Managed{API: f, ListingLag: 2 * time.Second, ListingPoll: 50 * time.Millisecond}
	got, err := runManaged[contract.FindAddedWorkerResult](t, m, contract.FindAddedWorkerActivity,
		contract.FindAddedWorkerInput{Target: contract.ManagedTarget{Cluster: "mk", GroupID: 7}})
	if err != nil || len(got.Added) != 1 || got.Added[0].WorkerID != "w-1" {
		t.Fatalf("= %+v, %v; want w-1 only", got, err)
	}
}

func TestAddManagedWorkerTellsAmbiguousFromRefused(t *testing.T) {
	tests := []struct {
		name          string
		add           vpsie.K8sWorker
		err           error
		wantAmbiguous bool
		wantErr       bool
	}{
		{name: "named", add: w1},
		{name: "data true", add: vpsie.K8sWorker{GroupID: 7}, wantAmbiguous: true},
		{name: "lost answer", err: &vpsie.APIError{Kind: vpsie.KindTransient, StatusCode: 502}, wantAmbiguous: true},
		{name: "capacity", err: &vpsie.APIError{Kind: vpsie.KindCapacityExhausted, StatusCode: 409}, wantErr: true},
		{name: "throttled", err: &vpsie.APIError{Kind: vpsie.KindRateLimited, StatusCode: 429}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeManaged{add: tt.add, addErr: tt.err}
			got, err := runManaged[contract.AddManagedWorkerResult](t, &activities.Managed{API: f},
				contract.AddManagedWorkerActivity, contract.ManagedTarget{Cluster: "mk", GroupID: 7})
			if (err != nil) != tt.wantErr || got.Ambiguous != tt.wantAmbiguous {
				t.Fatalf("= %+v, %v; want ambiguous %v, error %v", got, err, tt.wantAmbiguous, tt.wantErr)
			}
		})
	}
}

func TestManagedActivitiesResolveTheGroupName(t *testing.T) {
	f := &fakeManaged{listings: [][]vpsie.K8sWorker{{w1, {Identifier: "w-9", GroupID: 8}}}}
	got, err := runManaged[contract.ListManagedWorkersResult](t, &activities.Managed{API: f, Groups: &activities.GroupIDs{}},
		contract.ListManagedWorkersActivity, contract.ManagedTarget{Cluster: "mk", GroupName: "workers"})
	if err != nil || len(got.Workers) != 1 || got.Workers[0].WorkerID != "w-1" {
		t.Fatalf("= %+v, %v; want w-1 of group workers (7) only", got, err)
	}
}
