package schedsim

import (
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// fieldNodeName is the only field a node selector term may match on.
const fieldNodeName = "metadata.Name"

// requiredAffinityMatches is the required half of the scheduler's NodeAffinity filter: the
// terms are ORed, the requirements inside a term ANDed, and a term with no requirement
// matches nothing.
func requiredAffinityMatches(a *corev1.Affinity, nodeName string, nodeLabels map[string]string) Failure {
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return Failure{}
	}
	terms := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	for i := range terms {
		if termMatches(&terms[i], nodeName, nodeLabels) {
			return Failure{}
		}
	}
	msg := "required node affinity not matched"
	if len(terms) > 0 {
		if req, ok := firstFailing(&terms[0], nodeName, nodeLabels); ok {
			msg += ": " + req.Key + " " + string(req.Operator) + " [" + strings.Join(req.Values, ",") + "]"
		}
	}
	return fail(ReasonNodeAffinityMismatch, msg)
}

func termMatches(term *corev1.NodeSelectorTerm, nodeName string, nodeLabels map[string]string) bool {
	if len(term.MatchExpressions) == 0 && len(term.MatchFields) == 0 {
		return false
	}
	_, failing := firstFailing(term, nodeName, nodeLabels)
	return !failing
}

// firstFailing is the first requirement of term the node does not meet, if any.
func firstFailing(term *corev1.NodeSelectorTerm, nodeName string, nodeLabels map[string]string) (corev1.NodeSelectorRequirement, bool) {
	for _, req := range term.MatchExpressions {
		if !requirementMatches(req, nodeLabels) {
			return req, true
		}
	}
	for _, req := range term.MatchFields {
		if req.Key != fieldNodeName || !requirementMatches(req, map[string]string{fieldNodeName: nodeName}) {
			return req, true
		}
	}
	return corev1.NodeSelectorRequirement{}, false
}

// requirementMatches evaluates one requirement. Gt and Lt compare integers and fail when
// either side is not one, as in the scheduler.
func requirementMatches(req corev1.NodeSelectorRequirement, nodeLabels map[string]string) bool {
	value, has := nodeLabels[req.Key]
	switch req.Operator {
	case corev1.NodeSelectorOpIn:
		return has && slices.Contains(req.Values, value)
	case corev1.NodeSelectorOpNotIn:
		return !has || !slices.Contains(req.Values, value)
	case corev1.NodeSelectorOpExists:
		return has
	case corev1.NodeSelectorOpDoesNotExist:
		return !has
	case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
		return has && compareInts(value, req.Values, req.Operator == corev1.NodeSelectorOpGt)
	}
	return false
}

func compareInts(label string, values []string, greater bool) bool {
	if len(values) != 1 {
		return false
	}
	have, err1 := strconv.ParseInt(label, 10, 64)
	bound, err2 := strconv.ParseInt(values[0], 10, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	if greater {
		return have > bound
	}
	return have < bound
}
