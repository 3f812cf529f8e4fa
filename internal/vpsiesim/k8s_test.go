package vpsiesim_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

const testCluster = "c0ffee00-0000-4000-8000-000000000001"

func withManagedCluster(answersTrue bool) func(*vpsiesim.Config) {
	return func(c *vpsiesim.Config) {
		c.ManagedClusters = []vpsiesim.ManagedCluster{{Identifier: testCluster, Name: "HEL-Kubernetes-49ab",
			KubeVersion: "1.36.3", Groups: []vpsiesim.ManagedGroup{{ID: 7, Name: "workers", OfferingID: "std-2c-4g",
				DatacenterID: "tor1"}}}}
		c.ManagedAddAnswersTrue = answersTrue
		c.ListingLag = 5 * time.Second
		c.Capacity = map[string]vpsiesim.Capacity{"tor1": {VMs: 1}}
	}
}

func k8sPath(route string) string {
	p := strings.Replace(vpsieapi.PrefixA+route, "{cluster}", testCluster, 1)
	return strings.Replace(p, "{group}", "7", 1)
}

func (h *harness) clusterWorkers(tok string) []vpsieapi.K8sClusterNode {
	h.t.Helper()
	var info vpsieapi.Envelope[vpsieapi.K8sClusterInfo]
	h.do(request{method: "GET", path: k8sPath(vpsieapi.PathK8sCluster), header: bearer(tok)}).decode(h.t, &info)
	return info.Data.Slaves
}

// A managed worker: server-chosen hostname, listed only after the lag, a 404 on delete while unlisted, capacity as
// for VMs, gone from the cluster info once deleted.
func TestManagedWorkerLifecycle(t *testing.T) {
	h := newHarness(t, withManagedCluster(false))
	tok := h.loginA()
	add := h.do(request{method: "POST", path: k8sPath(vpsieapi.PathK8sAddWorker), header: bearer(tok)})
	var added vpsieapi.Envelope[vpsieapi.K8sAddedWorker]
	add.decode(t, &added)
	if add.status != http.StatusOK || added.Data.Identifier == "" ||
		!strings.HasPrefix(added.Data.Hostname, "hel-kubernetes-49ab-worker-") {
		t.Fatalf("add: %d %s", add.status, add.body)
	}
	if ws := h.clusterWorkers(tok); len(ws) != 0 {
		t.Fatalf("cluster info lists %v within the listing lag", ws)
	}
	del := request{method: "DELETE", path: k8sPath(vpsieapi.PathK8sDeleteWorker), header: bearer(tok),
		json: vpsieapi.K8sDeleteWorkerRequest{Identifier: added.Data.Identifier}}
	if r := h.do(del); r.status != http.StatusNotFound {
		t.Fatalf("delete of an unlisted worker: %d, want 404", r.status)
	}
	if r := h.do(request{method: "POST", path: k8sPath(vpsieapi.PathK8sAddWorker), header: bearer(tok)}); r.status != vpsieapi.StatusCapacityExhausted {
		t.Fatalf("second add beyond capacity: %d %s", r.status, r.body)
	}
	h.clock.Step(6 * time.Second)
	if ws := h.clusterWorkers(tok); len(ws) != 1 || ws[0].Identifier != added.Data.Identifier {
		t.Fatalf("cluster info = %+v, want the worker", ws)
	}
	if r := h.do(del); r.status != http.StatusOK {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	h.clock.Step(deleteDelay + time.Second)
	if ws := h.clusterWorkers(tok); len(ws) != 0 {
		t.Fatalf("cluster info lists %v after the delete", ws)
	}
	if r := h.do(del); r.status != http.StatusNotFound {
		t.Fatalf("delete of a gone worker: %d, want 404", r.status)
	}
}

func TestManagedAddCanAnswerTrue(t *testing.T) {
	h := newHarness(t, withManagedCluster(true))
	tok := h.loginA()
	r := h.do(request{method: "POST", path: k8sPath(vpsieapi.PathK8sAddWorker), header: bearer(tok)})
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"data":true`) {
		t.Fatalf("add: %d %s, want data true", r.status, r.body)
	}
	var groups vpsieapi.Envelope[[]vpsieapi.K8sNodeGroup]
	h.do(request{method: "GET", path: k8sPath(vpsieapi.PathK8sNodeGroups), header: bearer(tok)}).decode(t, &groups)
	if len(groups.Data) != 1 || groups.Data[0].ID != 7 || groups.Data[0].NodesCount != 1 {
		t.Fatalf("node groups = %+v, want group 7 with 1 node", groups.Data)
	}
}

// A managed worker's kubelet registers with the managed cluster's labels and version, not the caller's.
func TestManagedWorkerKubeletCarriesTheClustersLabels(t *testing.T) {
	h := newHarness(t, withManagedCluster(false))
	h.do(request{method: "POST", path: k8sPath(vpsieapi.PathK8sAddWorker), header: bearer(h.loginA())})
	vms := h.sim.Snapshot().VMs
	if len(vms) != 1 || vms[0].Worker == nil || vms[0].Worker.GroupID != 7 {
		t.Fatalf("vms = %+v, want one worker of group 7", vms)
	}
	k, err := vpsiesim.ParseKubelet(vms[0].UserData)
	if err != nil || k.Version != "v1.36.3" || k.Labels[vpsiesim.LabelManagedClusterID] != testCluster ||
		k.Labels[vpsiesim.LabelManagedNodeGroupID] != "7" || k.Labels["topology.kubernetes.io/zone"] != "tor1" {
		t.Fatalf("kubelet = %+v, %v", k, err)
	}
}
