package contract

import (
	"strings"
	"time"
)

// CollectOrphansWorkflow lists the VPSs tagged for this cluster and the managed Nodes
// that have no VPSieNode, waits a grace period, and deletes what is still orphaned.
const CollectOrphansWorkflow = "CollectOrphans"

// Activities of the orphan collector.
const (
	// ListClusterVPSActivity lists every live VPS tagged for the cluster with the owner
	// its tags name (VPSie task queue).
	ListClusterVPSActivity = "ListClusterVPS"
	// FindOrphansActivity keeps, of the cluster's VPSs and managed Nodes, those that no
	// VPSieNode accounts for (Kubernetes reads).
	FindOrphansActivity = "FindOrphans"
	// ReportOrphansActivity records what the collector found (metrics, Events, logs).
	ReportOrphansActivity = "ReportOrphans"
	// DeleteOrphanVPSActivity deletes one orphan VPS after re-checking its owner and
	// judging it with the ownership rule (VPSie task queue).
	DeleteOrphanVPSActivity = "DeleteOrphanVPS"
)

// GCScheduleID is the ID of the cluster's orphan-collector Schedule.
func GCScheduleID(cluster string) string { return "gc/" + cluster }

// OperationGC is the Operation search attribute of the collector's runs.
const OperationGC = "GC"

// Defaults of the orphan collector.
const (
	// DefaultOrphanGrace is how long an orphan must stay one before it is deleted: a
	// create may be in flight (its VPS exists a moment before its VPSieNode records it).
	DefaultOrphanGrace = 10 * time.Minute
)

// CollectOrphansInput configures one collector run.
type CollectOrphansInput struct {
	Cluster string        `json:"cluster"`
	Grace   time.Duration `json:"grace"`
	// DryRun finds and reports, and deletes nothing.
	DryRun bool `json:"dryRun,omitempty"`
	// StrandedAfter is the age after which a VPSieNode still in a create phase (Pending
	// to Joining) has no ScaleUp left that could finish it (its boot, join and ready
	// timeouts have passed): it was stranded, for example when the Temporal database was
	// lost. Such a VPSieNode is deleted (its termination deletes its VPS and Node); a
	// ScaleUp still working on it finds its owner gone and deletes what it made. Zero
	// looks for none.
	StrandedAfter time.Duration `json:"strandedAfter,omitempty"`
}

// OrphanVPS is a VPS tagged for the cluster, with the owner its tags name.
type OrphanVPS struct {
	VPSID    string `json:"vpsID"`
	Hostname string `json:"hostname"`
	Owner    Owner  `json:"owner"`
}

// OrphanNode is a managed Node no VPSieNode accounts for.
type OrphanNode struct {
	NodeName string `json:"nodeName"`
	UID      string `json:"uid"`
	// VPSID is the VPS its provider ID names; empty without one.
	VPSID string `json:"vpsID,omitempty"`
	// VPSieNode is the name its label gives (no namespace: labels hold none).
	VPSieNode string `json:"vpsieNode,omitempty"`
}

// Orphans is what one look found.
type Orphans struct {
	VPSs  []OrphanVPS  `json:"vpss,omitempty"`
	Nodes []OrphanNode `json:"nodes,omitempty"`
	// Stranded are VPSieNodes in a create phase older than StrandedAfter.
	Stranded []VPSieNodeRef `json:"stranded,omitempty"`
}

// Empty reports whether nothing was found.
func (o Orphans) Empty() bool { return len(o.VPSs) == 0 && len(o.Nodes) == 0 && len(o.Stranded) == 0 }

// ListClusterVPSInput names the cluster whose VPSs are listed.
type ListClusterVPSInput struct {
	Cluster string `json:"cluster"`
}

// FindOrphansInput is the cluster's VPS list to hold against the VPSieNodes, and the age
// after which a VPSieNode in a create phase is stranded (zero: look for none).
type FindOrphansInput struct {
	VPSs          []OrphanVPS   `json:"vpss,omitempty"`
	StrandedAfter time.Duration `json:"strandedAfter,omitempty"`
}

// ReportOrphansInput is what a run confirmed after the grace, and what it does with it;
// or, with Done set, what it deleted of it (Orphans then holds only the Nodes and
// stranded VPSieNodes deleted: a VPS is counted by its delete activity).
type ReportOrphansInput struct {
	Orphans Orphans       `json:"orphans"`
	DryRun  bool          `json:"dryRun,omitempty"`
	Grace   time.Duration `json:"grace"`
	Done    bool          `json:"done,omitempty"`
}

// DeleteOrphanVPSResult says whether the VPS was deleted, and why not.
type DeleteOrphanVPSResult struct {
	Deleted bool   `json:"deleted"`
	Why     string `json:"why,omitempty"`
}

// CollectOrphansResult says what a run found and did.
type CollectOrphansResult struct {
	// Found is what was orphaned at the first look and still after the grace.
	Found        Orphans  `json:"found"`
	DeletedVPSs  []string `json:"deletedVPSs,omitempty"`
	DeletedNodes []string `json:"deletedNodes,omitempty"`
	// DeletedStranded are the stranded VPSieNodes deleted (their terminations go on).
	DeletedStranded []string `json:"deletedStranded,omitempty"`
	// Kept are orphans left this run, with why (dry run, the owner came back, a live VPS).
	Kept []string `json:"kept,omitempty"`
}

// OwnerFromTags is the owner a VPS's tags name in cluster: the VPSieNode tag
// "<namespace>.<name>" and the UID tag, if any; false without both the cluster and the
// VPSieNode tags.
func OwnerFromTags(cluster string, tags []string) (Owner, bool) {
	o := Owner{Cluster: cluster}
	hasCluster := false
	for _, t := range tags {
		switch {
		case t == tagCluster+cluster:
			hasCluster = true
		case strings.HasPrefix(t, tagVPSieNode):
			o.Namespace, o.Name, _ = strings.Cut(strings.TrimPrefix(t, tagVPSieNode), ".")
		case strings.HasPrefix(t, tagUID):
			o.UID = strings.TrimPrefix(t, tagUID)
		}
	}
	return o, hasCluster && o.Valid()
}

// ClusterTag is the tag every VPS of the cluster carries.
func ClusterTag(cluster string) string { return tagCluster + cluster }
