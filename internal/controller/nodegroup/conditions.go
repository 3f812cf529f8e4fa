package nodegroup

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Condition reasons. They are API: alerts and kubectl columns read them.
const (
	ReasonAllNodesReady  = "AllNodesReady"
	ReasonNodesNotReady  = "NodesNotReady"
	ReasonBelowMinimum   = "BelowMinimum"
	ReasonAboveMaximum   = "AboveMaximum"
	ReasonNodeFailed     = "NodeFailed"
	ReasonNoFailures     = "NoFailures"
	ReasonScalingUp      = "ScalingUp"
	ReasonScalingDown    = "ScalingDown"
	ReasonStable         = "Stable"
	ReasonAtMinimum      = "AtMinimum"
	ReasonAboveMinimum   = "AboveMinimum"
	ReasonAtMaximum      = "AtMaximum"
	ReasonBelowMaximum   = "BelowMaximum"
	maxNamesInConditions = 5
)

// conditions derives every condition from the computed counts; the caller
// stamps generation and transition time.
func conditions(spec v1alpha1.NodeGroupSpec, st v1alpha1.NodeGroupStatus, vns []v1alpha1.VPSieNode) []metav1.Condition {
	failed := failedNames(vns)
	return []metav1.Condition{
		readyCondition(spec, st, failed),
		scalingCondition(vns),
		boolCondition(v1alpha1.ConditionAtMinCapacity, st.CurrentNodes <= spec.MinNodes,
			ReasonAtMinimum, ReasonAboveMinimum, fmt.Sprintf("%d of minimum %d nodes", st.CurrentNodes, spec.MinNodes)),
		boolCondition(v1alpha1.ConditionAtMaxCapacity, st.CurrentNodes >= spec.MaxNodes,
			ReasonAtMaximum, ReasonBelowMaximum, fmt.Sprintf("%d of maximum %d nodes", st.CurrentNodes, spec.MaxNodes)),
		errorCondition(failed),
	}
}

func readyCondition(spec v1alpha1.NodeGroupSpec, st v1alpha1.NodeGroupStatus, failed []string) metav1.Condition {
	c := metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse}
	switch {
	case len(failed) > 0:
		c.Reason, c.Message = ReasonNodeFailed, "failed nodes: "+joinLimited(failed, maxNamesInConditions)
	case st.CurrentNodes < spec.MinNodes:
		c.Reason = ReasonBelowMinimum
		c.Message = fmt.Sprintf("%d nodes, minimum is %d", st.CurrentNodes, spec.MinNodes)
	case st.CurrentNodes > spec.MaxNodes:
		c.Reason = ReasonAboveMaximum
		c.Message = fmt.Sprintf("%d nodes, maximum is %d", st.CurrentNodes, spec.MaxNodes)
	case st.ReadyNodes < st.CurrentNodes:
		c.Reason = ReasonNodesNotReady
		c.Message = fmt.Sprintf("%d of %d nodes ready", st.ReadyNodes, st.CurrentNodes)
	default:
		c.Status, c.Reason = metav1.ConditionTrue, ReasonAllNodesReady
		c.Message = fmt.Sprintf("%d of %d nodes ready", st.ReadyNodes, st.CurrentNodes)
	}
	return c
}

func scalingCondition(vns []v1alpha1.VPSieNode) metav1.Condition {
	var up, down int
	for i := range vns {
		switch {
		case vns[i].Leaving():
			down++
		case vns[i].InFlight():
			up++
		}
	}
	switch {
	case up > 0:
		return metav1.Condition{Type: v1alpha1.ConditionScaling, Status: metav1.ConditionTrue,
			Reason: ReasonScalingUp, Message: fmt.Sprintf("%d nodes provisioning, %d terminating", up, down)}
	case down > 0:
		return metav1.Condition{Type: v1alpha1.ConditionScaling, Status: metav1.ConditionTrue,
			Reason: ReasonScalingDown, Message: fmt.Sprintf("%d nodes terminating", down)}
	}
	return metav1.Condition{Type: v1alpha1.ConditionScaling, Status: metav1.ConditionFalse,
		Reason: ReasonStable, Message: "no nodes provisioning or terminating"}
}

func errorCondition(failed []string) metav1.Condition {
	if len(failed) == 0 {
		return metav1.Condition{Type: v1alpha1.ConditionError, Status: metav1.ConditionFalse,
			Reason: ReasonNoFailures, Message: "no failed nodes"}
	}
	return metav1.Condition{Type: v1alpha1.ConditionError, Status: metav1.ConditionTrue,
		Reason: ReasonNodeFailed, Message: fmt.Sprintf("%d failed nodes: %s", len(failed), joinLimited(failed, maxNamesInConditions))}
}

func boolCondition(typ string, ok bool, yes, no, msg string) metav1.Condition {
	if ok {
		return metav1.Condition{Type: typ, Status: metav1.ConditionTrue, Reason: yes, Message: msg}
	}
	return metav1.Condition{Type: typ, Status: metav1.ConditionFalse, Reason: no, Message: msg}
}

// ReasonScaleUpPossible: nothing holds the group back.
const ReasonScaleUpPossible = "ScaleUpPossible"

// Verdict is why the provisioner holds a group back: its typed reason and message.
type Verdict struct {
	Reason  string
	Message string
}

// Equal says whether two verdicts are the same, so an unchanged one is not announced.
func (v Verdict) Equal(o Verdict) bool { return v == o }

func scaleUpCondition(v *Verdict) metav1.Condition {
	if v == nil {
		return boolCondition(v1alpha1.ConditionScaleUpBlocked, false, "", ReasonScaleUpPossible,
			"nothing holds scale-up back")
	}
	return boolCondition(v1alpha1.ConditionScaleUpBlocked, true, v.Reason, "", v.Message)
}
