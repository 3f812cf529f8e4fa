package vpsieapi

// Managed Kubernetes (the earlier autoscaler's calls). Shape A paths are relative to the base URL (PrefixA); shape
// B serves the same paths under PrefixBK8s. govpsie has no call that deletes one chosen worker (only "reduce",
// which removes an arbitrary one and so can never be exactly once); shape B's delete/slave is therefore the
// earlier autoscaler's call under the apps prefix. Every answer is an Envelope; "error":true on HTTP 200 is a
// failure.
const (
	PrefixBK8s = "/apps/v2"

	// PathK8sNodeGroups lists a cluster's node groups: GET -> Envelope[[]K8sNodeGroup].
	PathK8sNodeGroups = "/k8s/node/groups/byClusterId/{cluster}"
	// PathK8sCluster is the cluster info with its nodes: GET -> Envelope[K8sClusterInfo].
	PathK8sCluster = "/k8s/cluster/byId/{cluster}"
	// PathK8sAddWorker adds one worker to a group (no body): POST -> Envelope[K8sAddedWorker | true]. The server
	// chooses the hostname; an answer of "data": true names nothing, and the worker is only found by listing.
	PathK8sAddWorker = "/k8s/cluster/byId/{cluster}/add/slave/group/{group}"
	// PathK8sDeleteWorker deletes one worker: DELETE with K8sDeleteWorkerRequest -> Envelope[any]. A 404 may
	// mean the worker is gone or that the cluster does not know it yet; only the cluster info tells.
	PathK8sDeleteWorker = "/k8s/cluster/byId/{cluster}/delete/slave"
)

// K8sNodeGroup is one managed node group (the earlier autoscaler's fields).
type K8sNodeGroup struct {
	ID           int64  `json:"id"`
	GroupName    string `json:"group_name"`
	Identifier   string `json:"identifier"`
	BoxsizeID    int64  `json:"boxsize_id"`
	DatacenterID int64  `json:"datacenter_id"`
	DCIdentifier string `json:"dcIdentifier"`
	RAM          int    `json:"ram"`
	CPU          int    `json:"cpu"`
	SSD          int    `json:"ssd"`
	NodesCount   int    `json:"nodes_count"`
	ClusterID    int64  `json:"cluster_id"`
	IsActive     int    `json:"is_active"`
	IsDeleted    int    `json:"is_deleted"`
	CreatedOn    string `json:"created_on"`
}

// K8sClusterInfo is a cluster with its nodes. Workers may appear in slaves, nodes or both.
type K8sClusterInfo struct {
	Identifier  string           `json:"identifier"`
	ClusterName string           `json:"cluster_name"`
	KubeVersion string           `json:"kube_version"`
	Status      string           `json:"status"`
	Masters     []K8sClusterNode `json:"masters"`
	Slaves      []K8sClusterNode `json:"slaves"`
	Nodes       []K8sClusterNode `json:"nodes"`
}

// K8sClusterNode is one node of the cluster info. GroupID is a simulator extension (the real answer was not seen
// to carry the group); a client must not rely on it.
type K8sClusterNode struct {
	Identifier string `json:"identifier"`
	Hostname   string `json:"hostname"`
	IP         string `json:"ip"`
	Status     string `json:"status"`
	Role       string `json:"role"`
	CPU        int    `json:"cpu"`
	RAM        int    `json:"ram"`
	Disk       int    `json:"disk"`
	GroupID    int64  `json:"group_id,omitempty"`
}

// K8sAddedWorker is the object form of an add-worker answer.
type K8sAddedWorker struct {
	ID         int64  `json:"id"`
	Identifier string `json:"identifier"`
	Status     string `json:"status"`
	Hostname   string `json:"hostname"`
}

// K8sDeleteWorkerRequest names the worker to delete.
type K8sDeleteWorkerRequest struct {
	Identifier string `json:"identifier"`
}

// Roles in K8sClusterNode.Role.
const (
	RoleMaster = "master"
	RoleSlave  = "slave"
)
