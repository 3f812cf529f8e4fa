package vpsiesim_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestStateSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	withPath := func(c *vpsiesim.Config) { c.StatePath = path }
	before := newHarness(t, withPath)
	token := before.loginA()
	kept := before.createA(token, vmReq("kept", "cluster=dev"))
	removed := before.createA(token, vmReq("removed"))
	before.do(request{method: "DELETE", path: "/v2/vm/" + removed.Identifier, header: bearer(token)})
	before.clock.Step(deleteDelay)
	if err := before.sim.Save(); err != nil {
		t.Fatal(err)
	}

	after := newHarness(t, withPath)
	after.clock.SetTime(before.clock.Now())
	vm, status := after.getA(token, kept.Identifier)
	if status != 200 || vm.Hostname != "kept" || len(vm.Tags) != 1 {
		t.Fatalf("VM lost across restart (token reused too): %d %+v", status, vm)
	}
	after.clock.Step(bootDelay)
	if vm, _ := after.getA(token, kept.Identifier); vm.Status != vpsieapi.StatusRunning {
		t.Fatalf("restored VM did not finish booting: %q", vm.Status)
	}
	st := after.sim.Snapshot()
	if len(st.Deleted) != 1 || st.Creates("kept") != 1 || st.CallCount(vpsiesim.OpCreateVM) != 2 {
		t.Fatalf("restored state: deleted=%d creates=%v counts=%v", len(st.Deleted), st.CreatesByHostname, st.CallCounts)
	}
	if next := after.createA(token, vmReq("new")); next.ID <= removed.ID {
		t.Fatalf("ids restarted: new VM got %d after %d", next.ID, removed.ID)
	}
}

func TestRunSavesStateOnShutdown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, func(c *vpsiesim.Config) { c.StatePath = path; c.SaveInterval = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.sim.Run(ctx) }()
	h.createA(h.loginA(), vmReq("saved-on-exit"))
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := vpsiesim.DefaultConfig()
	cfg.StatePath = path
	sim, err := vpsiesim.New(cfg)
	if err != nil {
		t.Fatalf("loading %s: %v", b, err)
	}
	if got := sim.Snapshot().VMsByHostname("saved-on-exit"); len(got) != 1 {
		t.Fatalf("VM not saved on shutdown: %s", b)
	}
}

func TestCorruptStateFileIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := vpsiesim.DefaultConfig()
	cfg.StatePath = path
	if _, err := vpsiesim.New(cfg); err == nil {
		t.Fatal("corrupt state file accepted")
	}
}

// shutdownSave runs the simulator with a cancelled context: Run then saves only if the state changed since the
// last save, which is what the periodic save does too.
func shutdownSave(t *testing.T, sim *vpsiesim.Simulator) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sim.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestChangesAfterASaveAreSavedWhenChanged(t *testing.T) {
	tests := []struct {
		name  string
		after func(h *harness, token, vmID string)
		check func(t *testing.T, st vpsiesim.State, vmID string)
	}{{
		name: "a deleting VM that is gone",
		after: func(h *harness, _, _ string) {
			h.clock.Step(deleteDelay)
			h.sim.Snapshot() // applies the transition, as the lifecycle loop would
		},
		check: func(t *testing.T, st vpsiesim.State, _ string) {
			if len(st.VMs) != 0 || len(st.Deleted) != 1 || st.Deleted[0].Reason != vpsiesim.ReasonAPI {
				t.Fatalf("saved state still shows the VM: vms=%+v deleted=%+v", st.VMs, st.Deleted)
			}
		},
	}, {
		name: "read-only calls",
		after: func(h *harness, token, vmID string) {
			h.getA(token, vmID)
			h.do(request{method: "GET", path: "/v2/vm", header: bearer(token)})
		},
		check: func(t *testing.T, st vpsiesim.State, _ string) {
			if st.CallCount(vpsiesim.OpGetVM) != 1 || st.CallCount(vpsiesim.OpListVMs) != 1 {
				t.Fatalf("read-only call counts not saved: %v", st.CallCounts)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			withPath := func(c *vpsiesim.Config) { c.StatePath = path; c.SaveInterval = time.Hour }
			before := newHarness(t, withPath)
			token := before.loginA()
			vm := before.createA(token, vmReq("doomed"))
			before.do(request{method: "DELETE", path: "/v2/vm/" + vm.Identifier, header: bearer(token)})
			if err := before.sim.Save(); err != nil {
				t.Fatal(err)
			}
			tt.after(before, token, vm.Identifier)
			shutdownSave(t, before.sim)

			// The restarted clock is before the VM's delete deadline, so the loaded state is what the file
			// holds, not what the lifecycle would work out again.
			after := newHarness(t, withPath)
			tt.check(t, after.sim.Snapshot(), vm.Identifier)
		})
	}
}

func TestListingLagAndDeletedListingsSurviveARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	withPath := func(c *vpsiesim.Config) { c.StatePath = path }
	before := newHarness(t, withPath)
	token := before.loginA()
	gone := before.createA(token, vmReq("gone"))
	before.do(request{method: "DELETE", path: "/v2/vm/" + gone.Identifier, header: bearer(token)})
	before.clock.Step(deleteDelay)
	before.sim.Snapshot() // applies the deletion, and with it the retention in force, as the lifecycle loop would
	// The lag is the VM's own from its creation on: the restarted simulator has none configured.
	if err := before.sim.SetRealism(vpsiesim.Realism{ListingLagLookups: 2}); err != nil {
		t.Fatal(err)
	}
	before.createA(token, vmReq("lagged"))
	if got := hostnames(before.listVMs("/v2/vm", token).Data); !slices.Equal(got, []string{"gone"}) {
		t.Fatalf("first lookup before the restart: %v", got)
	}
	if err := before.sim.Save(); err != nil {
		t.Fatal(err)
	}

	after := newHarness(t, withPath)
	after.clock.SetTime(before.clock.Now())
	if st := after.sim.Snapshot(); st.ListLookups != 1 {
		t.Fatalf("lookups after the restart: %d, want 1", st.ListLookups)
	}
	if got := hostnames(after.listVMs("/v2/vm", token).Data); !slices.Equal(got, []string{"gone"}) {
		t.Fatalf("second lookup (after the restart): %v, want the lagged VM still hidden", got)
	}
	listed := after.listVMs("/v2/vm", token).Data
	if got := hostnames(listed); !slices.Equal(got, []string{"gone", "lagged"}) || listed[0].Status != vpsieapi.StatusDeleted {
		t.Fatalf("third lookup: %+v, want the deleted VM and the lagged one", listed)
	}
}
