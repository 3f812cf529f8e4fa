package v1alpha1

// Labels, annotations and finalizers the autoscaler puts on objects it owns.
// They are API: operators select on them and other tools read them.
const (
	// LabelManaged marks Nodes and VPSieNodes created by the autoscaler.
	LabelManaged = "autoscaler.vpsie.com/managed"
	// LabelNodeGroup names the NodeGroup a Node or VPSieNode belongs to.
	LabelNodeGroup = "autoscaler.vpsie.com/nodegroup"
	// LabelBatch names the scale-up batch that created a VPSieNode: its run is
	// contract.ScaleUpWorkflowID(namespace, nodeGroup, batch).
	LabelBatch = "autoscaler.vpsie.com/batch"
	// LabelVPSieNode names the VPSieNode that backs a Node.
	LabelVPSieNode = "autoscaler.vpsie.com/vpsienode"
	// RebalanceBatchPrefix begins the batch of every ScaleUp a Rebalance run starts (its
	// replacements and, in a rollback, the old nodes it restores): such a VPSieNode is the
	// run's own node while the run runs (see VPSieNode.MadeByRebalance). It equals
	// workflows/contract.RebalanceBatchPrefix (a test in activities holds them together).
	RebalanceBatchPrefix = "rb"

	// FinalizerVPSTermination keeps a VPSieNode until its VPS is terminated,
	// so deleting the object never leaks a billed machine.
	FinalizerVPSTermination = "autoscaler.vpsie.com/vps-termination"

	// FinalizerNodeGroupCleanup keeps a deleted NodeGroup until its runs are cancelled and
	// its nodes drained and terminated, so deleting a group never leaves billed machines.
	FinalizerNodeGroupCleanup = "autoscaler.vpsie.com/nodegroup-cleanup"
)

// Annotations a drain writes on its Node (the DrainAndDelete workflow).
const (
	// AnnotationDrainStatus is the drain's progress: DrainStatusDraining, DrainStatusDrained
	// or DrainStatusFailed.
	AnnotationDrainStatus = "autoscaler.vpsie.com/drain-status"
	// AnnotationDrainReason says why the node is drained, or why its drain failed.
	AnnotationDrainReason = "autoscaler.vpsie.com/drain-reason"
	// AnnotationCordonedByDrain marks a cordon the drain made, so its compensation
	// uncordons only a node that was schedulable before.
	AnnotationCordonedByDrain = "autoscaler.vpsie.com/cordoned-by-drain"

	DrainStatusDraining = "draining"
	DrainStatusDrained  = "drained"
	DrainStatusFailed   = "failed"
)

// Taints the autoscaler puts on Nodes it is about to take away.
const (
	// TaintDisrupted (effect NoSchedule) is put on a Node with the drain's cordon and
	// removed with its uncordon. A pod that tolerates it (one that tolerates every taint)
	// would come back after each eviction, so the drain leaves it: it goes with the Node.
	TaintDisrupted = "autoscaler.vpsie.com/disrupted"
	// TaintRebalanceCandidate (effect PreferNoSchedule) is put on an old Node when a
	// rebalance marks it for replacement, and removed with the mark: new pods prefer other
	// Nodes, so they are not moved twice, but still land here when nothing else fits.
	TaintRebalanceCandidate = "autoscaler.vpsie.com/rebalance-candidate"
)

// Annotations that keep scale-down away. Operators set them; the scale-down planner reads
// them, along with the equivalents of cluster-autoscaler and Karpenter.
const (
	// AnnotationProtected on a Node, with the value "true", keeps scale-down from ever
	// choosing it.
	AnnotationProtected = "autoscaler.vpsie.com/protected"
	// AnnotationDoNotDisrupt on a Pod, with the value "true", keeps its Node.
	AnnotationDoNotDisrupt = "autoscaler.vpsie.com/do-not-disrupt"
	// AnnotationSafeToEvict is cluster-autoscaler's: "false" keeps the pod's Node, "true"
	// lets the pod go despite local storage, no controller or the kube-system namespace.
	AnnotationSafeToEvict = "cluster-autoscaler.kubernetes.io/safe-to-evict"
	// AnnotationKarpenterDoNotDisrupt is Karpenter's: "true" keeps the pod's Node.
	AnnotationKarpenterDoNotDisrupt = "karpenter.sh/do-not-disrupt"
)

// AnnotationScaleDownBlocked is written by the scale-down controller on a managed Node it
// would remove but keeps: "<Reason>: <message>" (the message names the blocking pod). It is
// removed once nothing blocks the node.
const AnnotationScaleDownBlocked = "autoscaler.vpsie.com/scale-down-blocked"

// Rebalance annotations. AnnotationRebalance is set by operators on a NodeGroup ("now",
// "pause", "resume", "rollback"); the rebalance controller acts on it and clears it. The
// Rebalance workflow marks the old nodes it replaces with the other two, and removes them
// when it rolls back.
const (
	AnnotationRebalance       = "autoscaler.vpsie.com/rebalance"
	AnnotationRebalanceStatus = "autoscaler.vpsie.com/rebalance-status"
	AnnotationRebalancePlan   = "autoscaler.vpsie.com/rebalance-plan"

	RebalanceNow      = "now"
	RebalancePause    = "pause"
	RebalanceResume   = "resume"
	RebalanceRollback = "rollback"
)
