package schedsim

import corev1 "k8s.io/api/core/v1"

// taintsTolerated is the scheduler's TaintToleration filter: every NoSchedule and NoExecute
// taint must be tolerated; PreferNoSchedule only steers scoring, so it never blocks.
func taintsTolerated(tolerations []corev1.Toleration, taints []corev1.Taint) Failure {
	for i := range taints {
		taint := &taints[i]
		if taint.Effect == corev1.TaintEffectPreferNoSchedule || toleratedBy(tolerations, taint) {
			continue
		}
		return fail(ReasonTaintNotTolerated, "taint "+taintString(taint)+" not tolerated")
	}
	return Failure{}
}

func toleratedBy(tolerations []corev1.Toleration, taint *corev1.Taint) bool {
	for i := range tolerations {
		if tolerates(&tolerations[i], taint) {
			return true
		}
	}
	return false
}

// tolerates follows corev1.Toleration.ToleratesTaint: an empty effect matches every effect,
// an empty key (valid only with Exists) matches every key, and an empty operator means Equal.
// The numeric Lt and Gt operators are behind a feature gate; the planner treats them as not
// tolerating, so it never adds a node the scheduler might refuse.
func tolerates(tol *corev1.Toleration, taint *corev1.Taint) bool {
	if tol.Effect != "" && tol.Effect != taint.Effect {
		return false
	}
	if tol.Key != "" && tol.Key != taint.Key {
		return false
	}
	switch tol.Operator {
	case corev1.TolerationOpExists:
		return true
	case "", corev1.TolerationOpEqual:
		return tol.Value == taint.Value
	}
	return false
}

func taintString(t *corev1.Taint) string {
	s := t.Key
	if t.Value != "" {
		s += "=" + t.Value
	}
	return s + ":" + string(t.Effect)
}
