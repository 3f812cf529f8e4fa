//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// e2eManagedCluster is the simulator's VPSie managed Kubernetes cluster: one node group
// of the e2e groups' offering and datacenter.
var e2eManagedCluster = vpsiesim.ManagedCluster{Identifier: "e2e00000-0000-4000-8000-00000000000c",
	Name: "AMS-Kubernetes-e2e", KubeVersion: "1.36.3",
	Groups: []vpsiesim.ManagedGroup{{ID: 41, Name: "e2e-workers", OfferingID: "std-2c-4g", DatacenterID: "ams1"}}}

// TestManagedKubernetesScalesUpAndDownUnderFaultsExactlyOnce runs a NodeGroup in mode
// managedKubernetes while the managed API loses add answers, fails deletes and cluster
// reads: it scales up to the pods and back to zero with every worker recorded by exactly
// one VPSieNode (no duplicate) and no worker left behind (no orphan).
func TestManagedKubernetesScalesUpAndDownUnderFaultsExactlyOnce(t *testing.T) {
	ns := namespace(t, "e2e-managed")
	g := sdGroup(ns, "mk")
	g.Spec.Provisioning = v1alpha1.Provisioning{Mode: v1alpha1.ProvisioningManagedKubernetes,
		ManagedKubernetes: &v1alpha1.ManagedKubernetes{NodeGroupName: "e2e-workers"}}
	create(t, g)
	if err := env.sim.SetFaults(vpsiesim.Faults{Seed: 18, Endpoints: map[string]vpsiesim.EndpointFaults{
		vpsiesim.OpK8sAddWorker:    {LostResponseRate: 0.4},
		vpsiesim.OpK8sDeleteWorker: {ErrorRate: 0.3, ErrorStatus: 503},
		vpsiesim.OpK8sClusterInfo:  {ErrorRate: 0.2, ErrorStatus: 502},
	}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.sim.SetFaults(vpsiesim.Faults{}) })
	env.autoscaler(t, "managed-1", append(scaleDownFlags,
		"--vpsie.managed-cluster-identifier="+e2eManagedCluster.Identifier)...)
	create(t, deployment(ns, podShape{name: "mk-web", cpu: "700m", memory: "256Mi", replicas: 4,
		selector: map[string]string{"workload": "mk"}}))
	eventually(t, 3*time.Minute, "4 pods running on managed workers", func() error { return running(ns, 4) })
	eventually(t, 30*time.Second, "every worker recorded by one VPSieNode", func() error { return exactlyOnce(t, ns) })
	if ms := kubectl(t, "get", "nodegroups", "-n", ns); !strings.Contains(ms, "managedKubernetes") {
		t.Errorf("kubectl get nodegroups does not show the mode:\n%s", ms)
	}
	kubectl(t, "-n", ns, "scale", "deployment/mk-web", "--replicas=0")
	eventually(t, 3*time.Minute, "no VPSieNode and no worker left", func() error {
		if vns := vpsieNodes(t, ns); len(vns) > 0 {
			return fmt.Errorf("%d vpsienodes left", len(vns))
		}
		if ws := liveWorkers(); len(ws) > 0 {
			return fmt.Errorf("workers left: %v", ws)
		}
		return nil
	})
	faulted := map[string]int{}
	st := env.sim.Snapshot()
	for _, c := range st.Calls {
		if strings.HasPrefix(c.Op, "k8s_") && c.Status >= 500 {
			faulted[c.Op]++
		}
	}
	t.Logf("managed calls %d add, %d delete, %d cluster info; answered with 5xx: %v", st.CallCount(vpsiesim.OpK8sAddWorker),
		st.CallCount(vpsiesim.OpK8sDeleteWorker), st.CallCount(vpsiesim.OpK8sClusterInfo), faulted)
	if faulted[vpsiesim.OpK8sAddWorker] == 0 {
		t.Errorf("no add answer was lost: the test did not exercise the ambiguous path")
	}
}

// exactlyOnce checks the group's VPSieNodes against the simulator's live workers: each
// VPSieNode recorded a distinct worker that exists, and every live worker is recorded.
func exactlyOnce(t *testing.T, ns string) error {
	recorded := map[string]string{}
	for _, vn := range vpsieNodes(t, ns) {
		if vn.DeletionTimestamp != nil {
			continue
		}
		if vn.Status.WorkerID == "" {
			return fmt.Errorf("vpsienode %s has no worker recorded", vn.Name)
		}
		if other, dup := recorded[vn.Status.WorkerID]; dup {
			return fmt.Errorf("worker %s recorded by %s and %s", vn.Status.WorkerID, other, vn.Name)
		}
		recorded[vn.Status.WorkerID] = vn.Name
	}
	live := liveWorkers()
	for _, id := range live {
		if recorded[id] == "" {
			return fmt.Errorf("worker %s is recorded by no vpsienode (orphan or duplicate)", id)
		}
	}
	if len(live) != len(recorded) {
		return fmt.Errorf("%d workers live, %d recorded", len(live), len(recorded))
	}
	return nil
}

// liveWorkers lists the managed cluster's workers that are not being deleted.
func liveWorkers() []string {
	var out []string
	for _, vm := range env.sim.Snapshot().VMs {
		if vm.Worker != nil && vm.Worker.Cluster == e2eManagedCluster.Identifier && vm.VM.Status != "deleting" {
			out = append(out, vm.VM.Identifier)
		}
	}
	return out
}
