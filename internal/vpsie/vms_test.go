package vpsie_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func createRequest(hostname string, tags ...string) vpsie.CreateVMRequest {
	return vpsie.CreateVMRequest{
		Hostname: hostname, OfferingID: "std-2c-4g", DatacenterID: "tor1", ImageID: "ubuntu-24.04-x64",
		SSHKeyIDs: []string{"key-1", "key-2"}, SSHPublicKeys: []string{"ssh-ed25519 AAAA test"},
		UserData: "#cloud-config\n", Tags: tags,
	}
}

func TestVMLifecycleInBothShapes(t *testing.T) {
	inEachShape(t, envConfig{}, func(t *testing.T, e *env) {
		ctx := e.ctx()
		req := createRequest("ng-a-1", "cluster:c1", "nodegroup:ng-a")
		req.Spot = true
		vm, err := e.client.CreateVM(ctx, req)
		e.must(err)
		if vm.Identifier == "" || vm.ID == 0 || vm.Hostname != "ng-a-1" || vm.OfferingID != "std-2c-4g" ||
			vm.DatacenterID != "tor1" || !vm.Spot || vm.CreatedAt.IsZero() {
			t.Fatalf("created vm = %+v", vm)
		}
		if !slices.Contains(vm.Tags, "nodegroup:ng-a") {
			t.Fatalf("tags = %v", vm.Tags)
		}

		eventually(t, "vm running", func() bool {
			got, err := e.client.GetVM(ctx, vm.Identifier)
			e.must(err)
			return got.Status == vpsie.VMStatusRunning && got.IP != ""
		})
		if e.opts.Shape == vpsie.ShapeA {
			byID, err := e.client.GetVM(ctx, strconv.FormatInt(vm.ID, 10))
			e.must(err)
			if byID.Identifier != vm.Identifier {
				t.Fatalf("get by numeric id returned %s", byID.Identifier)
			}
		}

		_, err = e.client.CreateVM(ctx, createRequest("other-1", "cluster:c1", "nodegroup:other"))
		e.must(err)
		listed, err := e.client.ListVMs(ctx, vpsie.VMFilter{Tags: []string{"cluster:c1", "nodegroup:ng-a"}})
		e.must(err)
		if len(listed) != 1 || listed[0].Identifier != vm.Identifier {
			t.Fatalf("list by tag = %+v", listed)
		}
		found, ok, err := e.client.FindVMByHostname(ctx, "ng-a-1")
		e.must(err)
		if !ok || found.Identifier != vm.Identifier {
			t.Fatalf("find by hostname = %+v, %v", found, ok)
		}
		if _, ok, err := e.client.FindVMByHostname(ctx, "absent"); e.check(err) != nil || ok {
			t.Fatalf("find absent hostname: found=%v err=%v", ok, err)
		}

		e.must(e.client.DeleteVM(ctx, vm.Identifier))
		eventually(t, "vm gone", func() bool {
			_, err := e.client.GetVM(ctx, vm.Identifier)
			return errors.Is(e.check(err), vpsie.ErrNotFound)
		})
		if err := e.client.DeleteVM(ctx, vm.Identifier); e.check(err) != nil {
			t.Fatalf("deleting a deleted vm should succeed, got %v", err)
		}
	})
}

func TestCreateVMReturnsTheExistingVMForAKnownHostname(t *testing.T) {
	inEachShape(t, envConfig{}, func(t *testing.T, e *env) {
		ctx := e.ctx()
		first, err := e.client.CreateVM(ctx, createRequest("ng-1"))
		e.must(err)
		second, err := e.client.CreateVM(ctx, createRequest("ng-1"))
		e.must(err)
		if first.Identifier != second.Identifier {
			t.Fatalf("second create made another vm: %s != %s", second.Identifier, first.Identifier)
		}
		if n := e.sim.Snapshot().Creates("ng-1"); n != 1 {
			t.Fatalf("simulator created %d vms for ng-1, want 1", n)
		}
		if n := len(e.calls(vpsiesim.OpCreateVM)); n != 1 {
			t.Fatalf("%d create calls, want 1", n)
		}
	})
}

func TestCatalogueInBothShapes(t *testing.T) {
	inEachShape(t, envConfig{}, func(t *testing.T, e *env) {
		ctx := e.ctx()
		offerings, err := e.client.ListOfferings(ctx, "")
		e.must(err)
		var spot, onDemand bool
		for _, o := range offerings {
			if o.ID == "" || o.CPU <= 0 || o.RAMMB <= 0 || o.DiskGB <= 0 || o.MonthlyPrice <= 0 {
				t.Fatalf("incomplete offering %+v", o)
			}
			spot, onDemand = spot || o.Spot, onDemand || !o.Spot
		}
		if !spot || !onDemand {
			t.Fatalf("want spot and on-demand offerings, got %d offerings", len(offerings))
		}
		inDC, err := e.client.ListOfferings(ctx, "tor1")
		e.must(err)
		if len(inDC) == 0 {
			t.Fatal("no offerings in tor1")
		}
		dcs, err := e.client.ListDatacenters(ctx)
		e.must(err)
		if len(dcs) == 0 || dcs[0].ID == "" || dcs[0].Name == "" || !dcs[0].Available {
			t.Fatalf("datacenters = %+v", dcs)
		}
		imgs, err := e.client.ListImages(ctx)
		e.must(err)
		if len(imgs) == 0 || imgs[0].ID == "" || imgs[0].Distribution == "" {
			t.Fatalf("images = %+v", imgs)
		}
	})
}
