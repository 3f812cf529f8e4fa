package workflows_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// gcFakes play the account and the cluster for the collector: looks[i] is what the i-th
// look finds; liveVPS names VPSs that still exist when a Node's VPS is read.
type gcFakes struct {
	looks   []contract.Orphans
	liveVPS []string

	look  int
	calls []string
}

func (f *gcFakes) register(env *testsuite.TestWorkflowEnvironment) {
	on := func(name string, fn any) { env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name}) }
	on(contract.ListClusterVPSActivity, func(_ context.Context, in contract.ListClusterVPSInput) ([]contract.OrphanVPS, error) {
		f.calls = append(f.calls, "list:"+in.Cluster)
		return f.looks[f.look].VPSs, nil
	})
	on(contract.FindOrphansActivity, func(_ context.Context, in contract.FindOrphansInput) (contract.Orphans, error) {
		f.calls = append(f.calls, fmt.Sprintf("find:%d", len(in.VPSs)))
		f.look++
		return f.looks[f.look-1], nil
	})
	on(contract.ReportOrphansActivity, func(_ context.Context, in contract.ReportOrphansInput) error {
		if in.Done {
			f.calls = append(f.calls, fmt.Sprintf("deleted:%d nodes,%d stranded", len(in.Orphans.Nodes), len(in.Orphans.Stranded)))
			return nil
		}
		f.calls = append(f.calls, fmt.Sprintf("report:%d vps,%d nodes,dry=%v", len(in.Orphans.VPSs), len(in.Orphans.Nodes), in.DryRun))
		return nil
	})
	on(contract.DeleteOrphanVPSActivity, func(_ context.Context, in contract.OrphanVPS) (contract.DeleteOrphanVPSResult, error) {
		f.calls = append(f.calls, "delete-vps:"+in.VPSID)
		return contract.DeleteOrphanVPSResult{Deleted: true}, nil
	})
	on(contract.GetVPSStateActivity, func(_ context.Context, in contract.GetVPSStateInput) (contract.VPSState, error) {
		f.calls = append(f.calls, "state:"+in.VPSID)
		return contract.VPSState{VPSID: in.VPSID, Found: slices.Contains(f.liveVPS, in.VPSID)}, nil
	})
	on(contract.DeleteVPSieNodeActivity, func(_ context.Context, in contract.VPSieNodeRef) error {
		f.calls = append(f.calls, "delete-vpsienode:"+in.Name)
		return nil
	})
	on(contract.DeleteVPSieNodeNodeActivity, func(_ context.Context, in contract.DeleteVPSieNodeNodeInput) (contract.DeleteVPSieNodeNodeResult, error) {
		f.calls = append(f.calls, "delete-node:"+in.NodeName)
		return contract.DeleteVPSieNodeNodeResult{Deleted: true}, nil
	})
}

func TestCollectOrphans(t *testing.T) {
	vps := func(id string) contract.OrphanVPS {
		return contract.OrphanVPS{VPSID: id, Hostname: "h-" + id,
			Owner: contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-" + id}}
	}
	node := func(name, id string) contract.OrphanNode {
		return contract.OrphanNode{NodeName: name, UID: "uid-" + name, VPSID: id, VPSieNode: name}
	}
	both := contract.Orphans{VPSs: []contract.OrphanVPS{vps("1")}, Nodes: []contract.OrphanNode{node("n-1", "1")}}
	tests := []struct {
		name      string
		dryRun    bool
		fakes     *gcFakes
		wantCalls []string
	}{
		{name: "nothing orphaned: one look, no wait", fakes: &gcFakes{looks: []contract.Orphans{{}}},
			wantCalls: []string{"list:c1", "find:0"}},
		{name: "orphaned before and after the grace: the vps goes, then its node",
			fakes: &gcFakes{looks: []contract.Orphans{both, both}},
			wantCalls: []string{"list:c1", "find:1", "list:c1", "find:1", "report:1 vps,1 nodes,dry=false",
				"delete-vps:1", "state:1", "state:1", "delete-node:n-1", "deleted:1 nodes,0 stranded"}},
		{name: "a create in flight: its vps has a vpsienode by the second look, nothing is deleted",
			fakes:     &gcFakes{looks: []contract.Orphans{{VPSs: []contract.OrphanVPS{vps("2")}}, {}}},
			wantCalls: []string{"list:c1", "find:1", "list:c1", "find:0", "report:0 vps,0 nodes,dry=false"}},
		{name: "dry run: found and reported, nothing deleted", dryRun: true,
			fakes:     &gcFakes{looks: []contract.Orphans{both, both}},
			wantCalls: []string{"list:c1", "find:1", "list:c1", "find:1", "report:1 vps,1 nodes,dry=true"}},
		{name: "a vpsienode stranded in a create phase (its scale-up lost) is deleted: its termination cleans up",
			fakes: &gcFakes{looks: []contract.Orphans{
				{Stranded: []contract.VPSieNodeRef{{Namespace: "ns", Name: "vn-s", UID: "u-s"}, {Namespace: "ns", Name: "vn-t", UID: "u-t"}}},
				{Stranded: []contract.VPSieNodeRef{{Namespace: "ns", Name: "vn-s", UID: "u-s"}}}}},
			wantCalls: []string{"list:c1", "find:0", "list:c1", "find:0", "report:0 vps,0 nodes,dry=false",
				"delete-vpsienode:vn-s", "deleted:0 nodes,1 stranded"}},
		{name: "a node whose vps still runs is left alone",
			fakes: &gcFakes{looks: []contract.Orphans{{Nodes: []contract.OrphanNode{node("n-3", "3")}},
				{Nodes: []contract.OrphanNode{node("n-3", "3")}}}, liveVPS: []string{"3"}},
			wantCalls: []string{"list:c1", "find:0", "list:c1", "find:0", "report:0 vps,1 nodes,dry=false", "state:3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			workflows.Register(env)
			tt.fakes.register(env)
			start := env.Now()
			env.ExecuteWorkflow(contract.CollectOrphansWorkflow, contract.CollectOrphansInput{Cluster: "c1",
				Grace: 7 * time.Minute, DryRun: tt.dryRun})
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tt.fakes.calls, tt.wantCalls) {
				t.Fatalf("calls =\n  %v\nwant\n  %v", tt.fakes.calls, tt.wantCalls)
			}
			if waited := env.Now().Sub(start); len(tt.wantCalls) > 2 && waited < 7*time.Minute {
				t.Fatalf("acted after %s, before the grace of 7m", waited)
			}
		})
	}
}
