package goruntime

import (
	"context"
	"testing"
)

type fakeCaches struct{ synced bool }

func (f fakeCaches) WaitForCacheSync(context.Context) bool { return f.synced }

func TestReleaseAfterSyncFreesOnceAndOnlyAfterASync(t *testing.T) {
	for _, tc := range []struct {
		name      string
		synced    bool
		wantFrees int
	}{
		{"synced caches release once", true, 1},
		{"a stop before the sync releases nothing", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			frees := 0
			r := &release{caches: fakeCaches{tc.synced}, free: func() { frees++ }}
			if err := r.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			if frees != tc.wantFrees {
				t.Errorf("frees = %d, want %d", frees, tc.wantFrees)
			}
		})
	}
}

func TestReleaseRunsInStandbyReplicasToo(t *testing.T) {
	if ReleaseAfterSync(fakeCaches{}).(interface{ NeedLeaderElection() bool }).NeedLeaderElection() {
		t.Error("the release waits for leadership; a standby's cache is as large as the leader's")
	}
}
