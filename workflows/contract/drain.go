package contract

import "time"

// Defaults of a drain, used for zero fields of DrainPolicy.
const (
	// DefaultDrainTimeout bounds the whole eviction of a node, PDB waits included.
	DefaultDrainTimeout = 10 * time.Minute
	// DefaultEvictionRetry is the first wait after an eviction was refused; it doubles
	// up to MaxEvictionRetry.
	DefaultEvictionRetry = 5 * time.Second
	// MaxEvictionRetry caps the backoff between eviction attempts.
	MaxEvictionRetry = 30 * time.Second
	// DefaultDeleteTimeout bounds the wait for the termination path (VPS, Node, VPSieNode).
	DefaultDeleteTimeout = 15 * time.Minute
)

// DrainPolicy says how a node is drained. Zero fields take the defaults above.
type DrainPolicy struct {
	// Timeout bounds the eviction of every pod, waits on PodDisruptionBudgets included.
	Timeout time.Duration `json:"timeout,omitempty"`
	// GracePeriodSeconds overrides every pod's own termination grace period; nil keeps it.
	GracePeriodSeconds *int64 `json:"gracePeriodSeconds,omitempty"`
	// RetryInterval is the first wait after an eviction was refused (a PDB's 429).
	RetryInterval time.Duration `json:"retryInterval,omitempty"`
	// Force deletes the node even when pods could not be evicted in time: they go with
	// the node. Without it a node that still runs evictable pods is never deleted.
	Force bool `json:"force,omitempty"`
	// DeleteTimeout bounds the wait for the VPS, the Node and the VPSieNode to go.
	DeleteTimeout time.Duration `json:"deleteTimeout,omitempty"`
	// IgnoreSafetyChecks drains a node that fails a safety check at drain time (the
	// NodeGroup's spec.scaleDownPolicy.forceDrain); without it such a drain is refused.
	IgnoreSafetyChecks bool `json:"ignoreSafetyChecks,omitempty"`
}

// WithDefaults fills the zero fields.
func (p DrainPolicy) WithDefaults() DrainPolicy {
	if p.Timeout <= 0 {
		p.Timeout = DefaultDrainTimeout
	}
	if p.RetryInterval <= 0 {
		p.RetryInterval = DefaultEvictionRetry
	}
	if p.DeleteTimeout <= 0 {
		p.DeleteTimeout = DefaultDeleteTimeout
	}
	return p
}

// WithForceDrain applies a NodeGroup's spec.scaleDownPolicy.forceDrain: a forced drain
// ignores the drain-time safety checks and deletes the node with pods left at the timeout.
func (p DrainPolicy) WithForceDrain(force bool) DrainPolicy {
	if force {
		p.Force, p.IgnoreSafetyChecks = true, true
	}
	return p
}

// DrainAndDeleteInput names one managed node to drain and delete. The VPSieNode backs
// the node (the node's LabelVPSieNode); deleting it is the one termination path.
type DrainAndDeleteInput struct {
	NodeName string `json:"nodeName"`
	// Namespace and NodeGroup name the node's NodeGroup (the VPSieNode's namespace).
	Namespace string       `json:"namespace"`
	NodeGroup string       `json:"nodeGroup"`
	VPSieNode VPSieNodeRef `json:"vpsieNode"`
	// Reason is why the node goes (underutilized, maxNodes lowered, rebalance); it is
	// written on the node with the drain status.
	Reason string      `json:"reason,omitempty"`
	Policy DrainPolicy `json:"policy"`
}

// Drain outcomes.
const (
	// DrainDeleted: drained (or forced) and its VPS, Node and VPSieNode are gone.
	DrainDeleted = "Deleted"
	// DrainCompensated: not drained in time; uncordoned and marked failed, nothing deleted.
	DrainCompensated = "Compensated"
	// DrainDeletePending: drained and its VPSieNode deleted, but the termination had not
	// finished within the delete timeout; it goes on by itself.
	DrainDeletePending = "DeletePending"
)

// Typed reasons of a drain that did not end in DrainDeleted without force.
const (
	// DrainReasonTimeout: pods were left when the drain timeout passed (a PDB or a pod
	// that did not terminate).
	DrainReasonTimeout = "DrainTimeout"
	// DrainReasonForced: pods were left, and the force policy deleted the node anyway.
	DrainReasonForced = "Forced"
	// DrainReasonFailed: a step failed after its retries.
	DrainReasonFailed = "DrainFailed"
	// DrainReasonNodeGone: the Node was already gone; only the VPS and VPSieNode remained.
	DrainReasonNodeGone = "NodeGone"
	// DrainReasonUnsafe: the node failed a safety check at drain time (ErrDrainUnsafe);
	// the message names the check and the pod.
	DrainReasonUnsafe = "Unsafe"
)

// DrainRefusal is the detail of an ErrDrainUnsafe error: the scale-down check that refused
// (its stable reason name: DoNotDisrupt, NoController, LocalStorage, KubeSystemPod,
// ProtectedNode) and the pod that failed it, if one did.
type DrainRefusal struct {
	Check   string `json:"check"`
	Pod     string `json:"pod,omitempty"`
	Message string `json:"message"`
}

// DrainAndDeleteResult says what became of the node.
type DrainAndDeleteResult struct {
	Outcome string `json:"outcome"`
	// Reason is a typed reason (DrainReason*); empty for a clean drain.
	Reason string `json:"reason,omitempty"`
	// Message explains the reason for people (the blocking PDB and pod).
	Message   string `json:"message,omitempty"`
	Evicted   int    `json:"evicted"`
	Remaining int    `json:"remaining"`
	// GoWithNode counts the pods left on the node because they tolerate the drain's taint:
	// evicted, they would come straight back.
	GoWithNode int `json:"goWithNode,omitempty"`
	// Check is the safety check that refused the drain (DrainRefusal.Check), with
	// Reason DrainReasonUnsafe.
	Check string `json:"check,omitempty"`
}

// CordonNodeResult says whether the Node exists and whether this drain cordoned it
// (it was schedulable, or an earlier attempt of this drain cordoned it).
type CordonNodeResult struct {
	Found    bool `json:"found"`
	Cordoned bool `json:"cordoned"`
}

// NodeRef names a Node.
type NodeRef struct {
	NodeName string `json:"nodeName"`
}

// Drain statuses written on the Node (the API package's values).
const (
	DrainStatusDraining = "draining"
	DrainStatusDrained  = "drained"
	DrainStatusFailed   = "failed"
)

// AnnotateDrainStatusInput writes the drain status and its reason on a Node.
type AnnotateDrainStatusInput struct {
	NodeName string `json:"nodeName"`
	Status   string `json:"status"`
	Reason   string `json:"reason,omitempty"`
}

// EvictPodsInput evicts every evictable pod of a Node until Deadline, retrying the
// evictions a PodDisruptionBudget refuses. The deadline is absolute, so an attempt that
// follows a worker crash keeps the drain's overall timeout instead of restarting it.
type EvictPodsInput struct {
	NodeName           string        `json:"nodeName"`
	Deadline           time.Time     `json:"deadline"`
	GracePeriodSeconds *int64        `json:"gracePeriodSeconds,omitempty"`
	RetryInterval      time.Duration `json:"retryInterval"`
}

// EvictPodsResult is the state of a Node's pods when the activity ended: Remaining is
// zero when every evictable pod is gone. Running out of the deadline is a result, not
// an error, so the workflow decides between compensation and force.
type EvictPodsResult struct {
	Evicted   int `json:"evicted"`
	Remaining int `json:"remaining"`
	// Blocking says what held the last pod (a PDB, or a pod that does not terminate).
	Blocking string `json:"blocking,omitempty"`
	// GoWithNode counts the pods that tolerate the drain's taint (TaintDisrupted): they are
	// not evicted, since they would come back, and go with the node.
	GoWithNode int `json:"goWithNode,omitempty"`
	// Moved are the pods evicted, each once (an attempt after a crash continues the list
	// from its heartbeat): what a blue-green verification waits for.
	Moved []MovedPod `json:"moved,omitempty"`
}

// MovedPod is one evicted pod and the controller that recreates it.
type MovedPod struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	UID       string `json:"uid"`
	// OwnerUID is the UID of the pod's controller (a ReplicaSet, a StatefulSet, a Job);
	// empty for a pod without one.
	OwnerUID string `json:"ownerUID,omitempty"`
}

// WaitVPSieNodeGoneInput waits until a VPSieNode object is gone.
type WaitVPSieNodeGoneInput struct {
	VPSieNode VPSieNodeRef  `json:"vpsieNode"`
	Timeout   time.Duration `json:"timeout"`
}
