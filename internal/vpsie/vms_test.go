package vpsie_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
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
		vm := createVM(t, e, req)
		if vm.Identifier == "" || vm.ID == 0 || vm.Hostname != "ng-a-1" || vm.OfferingID != "std-2c-4g" ||
			vm.DatacenterID != "tor1" || !vm.Spot || vm.CreatedAt.IsZero() {
			t.Fatalf("created vm = %+v", vm)
		}
		detail, err := e.client.GetVM(ctx, vm.Identifier) // shape B's listings carry no tags, its detail does
		e.must(err)
		if !slices.Contains(detail.Tags, "nodegroup:ng-a") {
			t.Fatalf("tags = %v", detail.Tags)
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
		byName, err := e.client.ListVMs(ctx, vpsie.VMFilter{Hostname: "ng-a-1"})
		e.must(err)
		if len(byName) != 1 || byName[0].Identifier != vm.Identifier {
			t.Fatalf("list by hostname = %+v", byName)
		}
		if absent, err := e.client.ListVMs(ctx, vpsie.VMFilter{Hostname: "absent"}); e.check(err) != nil ||
			len(absent) != 0 {
			t.Fatalf("list absent hostname = %+v, err %v", absent, err)
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

// createVM creates req's VM and returns it with its identity: from the create's answer, or, when the API answered
// without the VM (as shape B may), from a listing by hostname, as the product's callers do.
func createVM(t *testing.T, e *env, req vpsie.CreateVMRequest) vpsie.VM {
	t.Helper()
	vm, err := e.client.CreateVM(e.ctx(), req)
	e.must(err)
	if vm.Identifier != "" {
		return vm
	}
	vms, err := e.client.ListVMs(e.ctx(), vpsie.VMFilter{Hostname: req.Hostname})
	e.must(err)
	if len(vms) != 1 {
		t.Fatalf("%d vms named %s after the create, want 1", len(vms), req.Hostname)
	}
	return vms[0]
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
