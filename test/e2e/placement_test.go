//go:build e2e

package e2e

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// assertNoVPSDeleted: a VPS of the test's groups that was deleted was bought for nothing (created, then removed
// as unused or compensated), which the planner should not cause in a world it models exactly.
func assertNoVPSDeleted(t *testing.T, st vpsiesim.State) {
	t.Helper()
	for _, d := range st.Deleted {
		if ours(d.VM.Hostname) {
			t.Errorf("VPS %s was created and later deleted", d.VM.Hostname)
		}
	}
	for _, vm := range st.VMs {
		if ours(vm.VM.Hostname) && vm.VM.Status != "running" {
			t.Errorf("VPS %s is %s, want running", vm.VM.Hostname, vm.VM.Status)
		}
	}
}

// assertPlacement checks the constraints as the real scheduler applied them: the zone-spread pods are within maxSkew 1
// over two zones, the host-port pods are on distinct nodes and the affinity pair shares a node; and it reports the
// bought nodes that run none of the workload's pods.
func assertPlacement(t *testing.T, ns string, vns []v1alpha1.VPSieNode) {
	t.Helper()
	var pods corev1.PodList
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	byApp := map[string][]string{} // app → node names
	busy := map[string]bool{}
	for _, p := range pods.Items {
		byApp[p.Labels["app"]] = append(byApp[p.Labels["app"]], p.Spec.NodeName)
		busy[p.Spec.NodeName] = true
	}
	// A node the plan bought whose pods kube-scheduler put elsewhere (it spreads where the plan packs; after the
	// SIGKILL the new leader also re-plans pods the old one had planned onto booting nodes) is reported, not failed:
	// the planner's "placed but not bound" share is a known, measured gap (docs/architecture/scale-up-planner.md).
	// Such a node is not deleted within the test (assertNoVPSDeleted holds); scale-down removes it later as empty.
	idle := 0
	for _, vn := range vns {
		if !busy[vn.Status.NodeName] {
			idle++
			t.Logf("node %s (%s) runs none of the workload's pods: its planned pods went elsewhere", vn.Status.NodeName,
				vn.Spec.NodeGroup)
		}
	}
	t.Logf("%d of %d bought nodes run none of the workload's pods", idle, len(vns))
	zones := map[string]int{}
	for _, name := range byApp["web"] {
		var n corev1.Node
		if err := env.kube.Get(context.Background(), client.ObjectKey{Name: name}, &n); err != nil {
			t.Fatal(err)
		}
		zones[n.Labels[corev1.LabelTopologyZone]]++
	}
	if len(zones) != 2 || zones["ams1"]-zones["fra1"] > 1 || zones["fra1"]-zones["ams1"] > 1 {
		t.Errorf("web pods per zone %v, want two zones within maxSkew 1", zones)
	}
	seen := map[string]bool{}
	for _, name := range byApp["agent"] {
		if seen[name] {
			t.Errorf("two host-port pods on node %s", name)
		}
		seen[name] = true
	}
	if db, proxy := byApp["db"], byApp["db-proxy"]; len(db) != 1 || len(proxy) != 1 || db[0] != proxy[0] {
		t.Errorf("db on %v and db-proxy on %v, want one shared node", db, proxy)
	}
	t.Logf("web pods per zone %v; agents on %d nodes", zones, len(seen))
}
