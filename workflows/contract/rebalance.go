package contract

import (
	"strconv"
	"strings"
	"time"
)

// Rebalance strategies (the API's spelling).
const (
	// StrategyRolling: per batch, provision the replacements, wait until they are Ready,
	// then drain and delete the old nodes of the batch.
	StrategyRolling = "rolling"
	// StrategySurge: provision up to MaxSurge replacements ahead, then drain the old nodes
	// at most MaxUnavailable (at least one) at a time.
	StrategySurge = "surge"
	// StrategyBlueGreen: provision the whole new set, cordon and evict the old set, verify
	// the moved pods run, then delete the old set.
	StrategyBlueGreen = "blueGreen"
)

// Signals a Rebalance run accepts. They change its state only; the run acts on them at
// its next step. None carries a payload (`temporal workflow signal --name pause`).
const (
	// RebalanceSignalPause: start nothing new until resume (steps under way finish).
	RebalanceSignalPause = "pause"
	// RebalanceSignalResume undoes pause.
	RebalanceSignalResume = "resume"
	// RebalanceSignalRollback: stop, and undo every step not yet committed (see
	// RebalanceResult); also while paused.
	RebalanceSignalRollback = "rollback"
	// RebalanceSignalCancel: stop after the step under way, undo the batch in progress and
	// keep the batches already done.
	RebalanceSignalCancel = "cancel"
)

// RebalanceQueryProgress is the query that returns a RebalanceProgress.
const RebalanceQueryProgress = "progress"

// TimeWindow is one span [Start, End) in which a rebalance may start new steps. The
// controller computes them from the NodeGroup's maintenance windows (time zones and
// daylight-saving changes resolved), so the workflow compares plain instants with
// workflow.Now.
type TimeWindow struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// OldNode is a node a rebalance replaces.
type OldNode struct {
	NodeName     string       `json:"nodeName"`
	VPSieNode    VPSieNodeRef `json:"vpsieNode"`
	OfferingID   string       `json:"offeringID"`
	MonthlyPrice float64      `json:"monthlyPrice,omitempty"`
}

// Replacement replaces one old node by a new one of the group. The workflow names the new
// node (RebalanceNodeName) and provisions it through a ScaleUp child.
type Replacement struct {
	Old OldNode `json:"old"`
	// Placements are tried in order, as in ScaleUp: the target offering first.
	Placements []Placement `json:"placements"`
	// MonthlySavings is the old price less the target's; negative for a drifted node
	// moved to a dearer offering.
	MonthlySavings float64 `json:"monthlySavings"`
	// Reason is the analyzer's typed reason (CheaperOffering, OfferingNotAllowed,
	// ImageChanged, KubernetesVersionChanged).
	Reason string `json:"reason"`
}

// RebalanceBatch is what one step of the strategy replaces: rolling batches of
// MaxUnavailable, surge waves of MaxSurge, one blue-green batch.
type RebalanceBatch struct {
	Replacements []Replacement `json:"replacements"`
}

// RebalanceInput is one analyzer plan of one NodeGroup, with what provisioning and
// draining need. The run's ID is RebalanceWorkflowID(namespace, nodeGroup).
type RebalanceInput struct {
	PlanID string `json:"planID"`
	// StartedAt is when the controller started the run. With the workflow ID and the plan
	// it makes the run's tag (RebalanceTag), which names the replacements: it is in the
	// input, so a Temporal Reset of the run (a new run ID) names them the same and adopts
	// what the first run created. Zero falls back to the original run ID, which a reset
	// keeps too.
	StartedAt time.Time `json:"startedAt,omitempty"`
	Namespace string    `json:"namespace"`
	NodeGroup string    `json:"nodeGroup"`
	Cluster   string    `json:"cluster"`
	Strategy  string    `json:"strategy"`
	// MaxSurge and MaxUnavailable are the group's policy; zero MaxUnavailable drains one
	// node at a time.
	MaxSurge       int32            `json:"maxSurge"`
	MaxUnavailable int32            `json:"maxUnavailable"`
	Batches        []RebalanceBatch `json:"batches"`
	// Template and Timeouts are passed to the ScaleUp children, as the scale-up controller
	// builds them.
	Template NodeTemplate    `json:"template"`
	Timeouts ScaleUpTimeouts `json:"timeouts"`
	// Managed is passed to the ScaleUp children (provisioning mode managedKubernetes).
	Managed *ManagedTarget `json:"managed,omitempty"`
	// Drain is the policy of every DrainAndDelete child and of blue-green evictions.
	Drain DrainPolicy `json:"drain"`
	// Windows, when not empty, are the only spans in which a step may start. Past the last
	// one nothing new starts until rollback or cancel.
	Windows []TimeWindow `json:"windows,omitempty"`
	// VerifyTimeout bounds the blue-green check that the moved pods run; zero is
	// DefaultVerifyTimeout.
	VerifyTimeout time.Duration `json:"verifyTimeout,omitempty"`
}

// DefaultVerifyTimeout bounds VerifyPodsRunning when the input leaves it zero.
const DefaultVerifyTimeout = 10 * time.Minute

// Phases of a Rebalance run, as the progress query reports them.
const (
	RebalancePhaseProvisioning     = "Provisioning"
	RebalancePhaseDraining         = "Draining"
	RebalancePhaseCordoning        = "Cordoning"
	RebalancePhaseEvicting         = "Evicting"
	RebalancePhaseVerifying        = "Verifying"
	RebalancePhaseDeleting         = "Deleting"
	RebalancePhasePaused           = "Paused"
	RebalancePhaseWaitingForWindow = "WaitingForWindow"
	RebalancePhaseRollingBack      = "RollingBack"
	RebalancePhaseCompleted        = "Completed"
	RebalancePhaseRolledBack       = "RolledBack"
	RebalancePhaseCancelled        = "Cancelled"
)

// RebalanceProgress is the answer of the progress query and part of the result.
type RebalanceProgress struct {
	PlanID       string `json:"planID"`
	Strategy     string `json:"strategy"`
	Phase        string `json:"phase"`
	Paused       bool   `json:"paused"`
	BatchesDone  int    `json:"batchesDone"`
	BatchesTotal int    `json:"batchesTotal"`
	// NewNodes are the replacements that are Ready and still exist.
	NewNodes []string `json:"newNodes"`
	// OldNodes are the nodes of the plan not deleted yet.
	OldNodes []string `json:"oldNodes"`
	// Removed are the old nodes deleted so far.
	Removed []string `json:"removed"`
	// SavingsMonthly sums the savings of the replacements whose old node is gone.
	SavingsMonthly float64 `json:"savingsMonthly"`
	// WindowOpensAt is when the run resumes, in phase WaitingForWindow; zero when no
	// window is left.
	WindowOpensAt time.Time `json:"windowOpensAt,omitempty"`
	// Message says what the run waits for or why it stopped.
	Message string `json:"message,omitempty"`
}

// Rebalance outcomes.
const (
	// RebalanceCompleted: every old node replaced.
	RebalanceCompleted = "Completed"
	// RebalanceRolledBack: a rollback signal or a failed step undid every uncommitted
	// step. An old node is committed once its drain deleted it; its replacement then
	// stays, because removing it would shrink the group.
	RebalanceRolledBack = "RolledBack"
	// RebalanceCancelled: stopped by the cancel signal or a workflow cancellation; the
	// batch in progress was undone, earlier batches stay.
	RebalanceCancelled = "Cancelled"
)

// Typed reasons of a rebalance that did not complete.
const (
	RebalanceReasonRollback   = "RollbackRequested"
	RebalanceReasonCancel     = "CancelRequested"
	RebalanceReasonStepFailed = "StepFailed"
)

// RebalanceResult is what the run did. A run whose compensation itself failed returns an
// error instead, so it shows as failed in the Web UI.
type RebalanceResult struct {
	Outcome string `json:"outcome"`
	Reason  string `json:"reason,omitempty"`
	// Message explains a failed step (the activity's or child's error).
	Message  string         `json:"message,omitempty"`
	Replaced []ReplacedNode `json:"replaced,omitempty"`
	// Restored are the nodes a rollback provisioned with the old offering of an old node
	// that was already deleted.
	Restored []string          `json:"restored,omitempty"`
	Progress RebalanceProgress `json:"progress"`
}

// ReplacedNode is one committed replacement.
type ReplacedNode struct {
	Old            string  `json:"old"`
	New            string  `json:"new"`
	OfferingID     string  `json:"offeringID"`
	MonthlySavings float64 `json:"monthlySavings"`
}

// RebalanceBatchPrefix begins the batch name of every ScaleUp child a Rebalance run starts,
// so its VPSieNodes (label autoscaler.vpsie.com/batch) tell scale-down they are the run's.
// api/v1alpha1.RebalanceBatchPrefix is the same value.
const RebalanceBatchPrefix = "rb"

// Rebalance annotation statuses written on nodes (AnnotateRebalanceActivity).
const (
	// RebalanceStatusReplacing marks an old node the run works on.
	RebalanceStatusReplacing = "replacing"
)

// AnnotateRebalanceInput writes autoscaler.vpsie.com/rebalance-status=<Status> and
// autoscaler.vpsie.com/rebalance-plan=<PlanID> on a Node, or removes both when Status is
// empty (the rollback's restore). A Node that is gone is not an error.
type AnnotateRebalanceInput struct {
	NodeName string `json:"nodeName"`
	PlanID   string `json:"planID,omitempty"`
	Status   string `json:"status,omitempty"`
}

// VerifyPodsRunningInput asks whether the pods evicted from Nodes run elsewhere: no pod
// that a drain moves is left on them, and for each controller of a Moved pod, as many of
// its pods created since Since (when the evictions began: its new copies) are Running and
// Ready on other nodes as were moved. Pods of other controllers are not looked at. It waits
// up to Timeout for that.
type VerifyPodsRunningInput struct {
	Nodes   []string      `json:"nodes"`
	Since   time.Time     `json:"since"`
	Timeout time.Duration `json:"timeout"`
	// Moved are the pods the evictions moved (EvictPodsResult.Moved of every old node).
	Moved []MovedPod `json:"moved,omitempty"`
}

// VerifyPodsRunningResult is the verdict: OK, or what is not running.
type VerifyPodsRunningResult struct {
	OK         bool   `json:"ok"`
	NotRunning int    `json:"notRunning"`
	Blocking   string `json:"blocking,omitempty"`
}

// RebalanceNodeName is the VPSieNode name, hostname and Node name of replacement i of a
// run: "<cluster>-<nodegroup>-r<tag>-<i>", lowercase DNS label characters, at most 63.
// tag is the run's (RebalanceTag), so a rolled-back plan planned again gets new names
// while the old objects may still be terminating.
func RebalanceNodeName(cluster, nodeGroup, tag string, i int) string {
	prefix := strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(cluster+"-"+nodeGroup))
	if len(prefix) > 40 {
		prefix = prefix[:40]
	}
	return strings.Trim(prefix, "-") + "-r" + tag + "-" + strconv.Itoa(i)
}

// RebalanceTag is 8 hex digits of FNV-1a over the plan ID, the workflow ID and the run's
// stable start (RebalanceInput.StartedAt, or else the original run ID): never over the run
// ID, which a Temporal Reset changes.
func RebalanceTag(planID, workflowID, start string) string {
	h := uint32(2166136261)
	for _, b := range []byte(planID + "/" + workflowID + "/" + start) {
		h ^= uint32(b)
		h *= 16777619
	}
	s := strconv.FormatUint(uint64(h), 16)
	return strings.Repeat("0", 8-len(s)) + s
}
