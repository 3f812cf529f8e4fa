package vpsiesim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Managed Kubernetes: VPSie's managed clusters, served in the earlier autoscaler's shape (and under shape B's apps
// prefix). A worker is a VM the simulator creates itself, so capacity, boot delay, boot failures, deletion delay
// and Node registration are the VM API's; what differs is that VPSie chooses the hostname, the worker carries no
// tags and no user data of the caller's, and its kubelet registers with the labels a managed cluster gives it.

// Operations of the managed-Kubernetes endpoints (fault injection and call counts).
const (
	OpK8sNodeGroups   = "k8s_node_groups"
	OpK8sClusterInfo  = "k8s_cluster_info"
	OpK8sAddWorker    = "k8s_add_worker"
	OpK8sDeleteWorker = "k8s_delete_worker"
)

// ManagedCluster is one VPSie managed Kubernetes cluster the simulator serves.
type ManagedCluster struct {
	Identifier string `json:"identifier"`
	// Name is the cluster_name, e.g. "hel-kubernetes-49ab"; workers are named after it.
	Name string `json:"name"`
	// KubeVersion is the workers' kubelet version, without a leading "v".
	KubeVersion string         `json:"kube_version"`
	Groups      []ManagedGroup `json:"groups"`
}

// ManagedGroup is a node group of a managed cluster: every worker added to it is one VM of OfferingID in
// DatacenterID, booted from ImageID (the catalogue's first image when empty).
type ManagedGroup struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	OfferingID   string `json:"offering_id"`
	DatacenterID string `json:"datacenter_id"`
	ImageID      string `json:"image_id,omitempty"`
}

// ManagedWorker marks a VM that is a managed cluster's worker. Its worker identifier is the VM's identifier.
type ManagedWorker struct {
	Cluster string `json:"cluster"`
	GroupID int64  `json:"group_id"`
}

// Labels the simulated managed cluster puts on its workers' Nodes (the ones the earlier autoscaler read).
const (
	LabelManagedClusterID    = "vpsie.com/cluster-id"
	LabelManagedDatacenterID = "vpsie.com/datacenter-id"
	LabelManagedNodeGroupID  = "vpsie.com/node-group-id"
)

func (s *Simulator) k8sRoutes(prefix string, sh shape) []route {
	rts := []route{
		{method: "GET", path: vpsieapi.PathK8sNodeGroups, op: OpK8sNodeGroups, handler: s.handleK8sNodeGroups},
		{method: "GET", path: vpsieapi.PathK8sCluster, op: OpK8sClusterInfo, handler: s.handleK8sClusterInfo},
		{method: "POST", path: vpsieapi.PathK8sAddWorker, op: OpK8sAddWorker, handler: s.handleK8sAddWorker},
		{method: "DELETE", path: vpsieapi.PathK8sDeleteWorker, op: OpK8sDeleteWorker, handler: s.handleK8sDeleteWorker},
	}
	for i := range rts {
		rts[i].path, rts[i].shape = prefix+rts[i].path, sh
	}
	return rts
}

func (s *Simulator) cluster(id string) (ManagedCluster, *apiError) {
	for _, c := range s.cfg.ManagedClusters {
		if c.Identifier == id {
			return c, nil
		}
	}
	return ManagedCluster{}, errNotFound("cluster", id)
}

func (s *Simulator) handleK8sNodeGroups(w http.ResponseWriter, r *http.Request) {
	c, aerr := s.cluster(r.PathValue("cluster"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	counts := s.workerCounts(c.Identifier)
	out := []vpsieapi.K8sNodeGroup{}
	for _, g := range c.Groups {
		out = append(out, vpsieapi.K8sNodeGroup{ID: g.ID, GroupName: g.Name, Identifier: fmt.Sprintf("group-%d", g.ID),
			DCIdentifier: g.DatacenterID, NodesCount: counts[g.ID], IsActive: 1})
	}
	writeJSON(w, http.StatusOK, ok(out))
}

// workerCounts counts the live workers of each group of cluster.
func (s *Simulator) workerCounts(cluster string) map[int64]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := map[int64]int{}
	for _, vm := range s.vms {
		if vm.Worker != nil && vm.Worker.Cluster == cluster {
			counts[vm.Worker.GroupID]++
		}
	}
	return counts
}

// handleK8sClusterInfo lists the cluster's workers that exist and whose listing lag is over (the cluster info
// lags like the VM listing and counts as a list request). Workers appear in both "slaves" and "nodes", as the
// earlier autoscaler searched both.
func (s *Simulator) handleK8sClusterInfo(w http.ResponseWriter, r *http.Request) {
	c, aerr := s.cluster(r.PathValue("cluster"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	info := vpsieapi.K8sClusterInfo{Identifier: c.Identifier, ClusterName: c.Name, KubeVersion: c.KubeVersion,
		Status: "running", Masters: []vpsieapi.K8sClusterNode{}, Slaves: []vpsieapi.K8sClusterNode{}}
	for _, vm := range s.listedWorkers(c.Identifier) {
		n := vpsieapi.K8sClusterNode{Identifier: vm.VM.Identifier, Hostname: vm.VM.Hostname, IP: vm.VM.DefaultIP,
			Status: vm.VM.Status, Role: vpsieapi.RoleSlave, CPU: vm.VM.CPU, RAM: vm.VM.RAM, Disk: vm.VM.SSD,
			GroupID: vm.Worker.GroupID}
		info.Slaves = append(info.Slaves, n)
	}
	info.Nodes = slices.Clone(info.Slaves)
	writeJSON(w, http.StatusOK, ok(info))
}

// listedWorkers counts one list request and returns the workers of cluster the listing shows.
func (s *Simulator) listedWorkers(cluster string) []VMState {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.advanceLocked(now)
	s.lookups++
	var out []VMState
	for _, id := range s.sortedIDs() {
		vm := s.vms[id]
		if vm.Worker != nil && vm.Worker.Cluster == cluster && vm.Listing.shown(now, s.lookups) {
			out = append(out, *vm)
		}
	}
	return out
}

// handleK8sAddWorker adds one worker with a hostname of VPSie's choosing. With Config.ManagedAddAnswersTrue the
// answer is "data": true, naming nothing, as the real API was seen to answer.
func (s *Simulator) handleK8sAddWorker(w http.ResponseWriter, r *http.Request) {
	c, aerr := s.cluster(r.PathValue("cluster"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	gid, _ := strconv.ParseInt(r.PathValue("group"), 10, 64)
	i := slices.IndexFunc(c.Groups, func(g ManagedGroup) bool { return g.ID == gid })
	if i < 0 {
		writeError(w, errNotFound("node group", r.PathValue("group")))
		return
	}
	vm, aerr := s.addWorker(c, c.Groups[i])
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if s.cfg.ManagedAddAnswersTrue {
		writeJSON(w, http.StatusOK, ok(true))
		return
	}
	writeJSON(w, http.StatusOK, ok(vpsieapi.K8sAddedWorker{ID: vm.ID, Identifier: vm.Identifier,
		Status: vm.Status, Hostname: vm.Hostname}))
}

// addWorker creates the worker's VM through the VM path (capacity, boot, listing lag) and marks it a worker.
func (s *Simulator) addWorker(c ManagedCluster, g ManagedGroup) (vpsieapi.VM, *apiError) {
	image := g.ImageID
	if image == "" && len(s.cfg.Catalogue.Images) > 0 {
		image = s.cfg.Catalogue.Images[0].ID
	}
	host := workerHostname(c)
	req := vpsieapi.CreateVMRequest{Name: host, Hostname: host, OfferingID: g.OfferingID, DatacenterID: g.DatacenterID,
		OSImageID: image, UserData: workerKubelet(c, g, host)}
	vm, aerr := s.createVMWith(req, shapeA, func(st *VMState) { st.Worker = &ManagedWorker{Cluster: c.Identifier, GroupID: g.ID} })
	if aerr != nil {
		return vm, aerr
	}
	s.log.Info("managed worker added", "cluster", c.Identifier, "group", g.ID, "worker", vm.Identifier, "node", host)
	return vm, nil
}

// workerHostname is VPSie's choice: the cluster's name and a random suffix, lower-cased for a Node name.
func workerHostname(c ManagedCluster) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(c.Name) + "-worker-" + hex.EncodeToString(b[:])
}

// workerKubelet is the kubelet a managed worker starts, in the form the simulated kubelet reads (ParseKubelet):
// the cluster's version and the labels a managed cluster gives its workers.
func workerKubelet(c ManagedCluster, g ManagedGroup, host string) string {
	labels := strings.Join([]string{LabelManagedClusterID + "=" + c.Identifier,
		LabelManagedDatacenterID + "=" + g.DatacenterID, LabelManagedNodeGroupID + "=" + strconv.FormatInt(g.ID, 10),
		"node.kubernetes.io/instance-type=" + g.OfferingID, "topology.kubernetes.io/zone=" + g.DatacenterID,
		"topology.kubernetes.io/region=" + g.DatacenterID}, ",")
	return fmt.Sprintf("#!/bin/sh\n# VPSie managed worker %s\napt-get install -y kubelet=%s-1.1\n"+
		"KUBELET_EXTRA_ARGS=\"--node-labels=%s\"\n", host, strings.TrimPrefix(c.KubeVersion, "v"), labels)
}

// handleK8sDeleteWorker deletes a worker by identifier. Like the real API, it answers 404 both for a worker that
// is gone and for one the cluster does not list yet (within the listing lag), which is why a 404 alone never
// proves a worker gone.
func (s *Simulator) handleK8sDeleteWorker(w http.ResponseWriter, r *http.Request) {
	c, aerr := s.cluster(r.PathValue("cluster"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	var req vpsieapi.K8sDeleteWorkerRequest
	if aerr := decodeJSON(r, &req); aerr != nil {
		writeError(w, aerr)
		return
	}
	if req.Identifier == "" {
		writeError(w, errValidation("identifier", "identifier is required"))
		return
	}
	_, aerr = s.withVM(req.Identifier, func(vm *VMState, now time.Time) *apiError {
		if vm.Worker == nil || vm.Worker.Cluster != c.Identifier || !vm.Listing.shown(now, s.lookups+1) {
			return errNotFound("node", req.Identifier)
		}
		s.startDeleteLocked(vm, now, ReasonAPI)
		s.stepLocked(vm, now)
		s.dirty = true
		s.changed()
		return nil
	})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, ok[any](nil))
}
