package schedsim

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func required(terms ...corev1.NodeSelectorTerm) *corev1.Affinity {
	return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: terms},
	}}
}

func expr(key string, op corev1.NodeSelectorOperator, values ...string) corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: key, Operator: op, Values: values}}}
}

func TestRequiredAffinityMatches(t *testing.T) {
	nodeLabels := map[string]string{"zone": "a", "cores": "8"}
	byName := func(op corev1.NodeSelectorOperator, names ...string) corev1.NodeSelectorTerm {
		return corev1.NodeSelectorTerm{MatchFields: []corev1.NodeSelectorRequirement{{Key: fieldNodeName, Operator: op, Values: names}}}
	}
	tests := []struct {
		name     string
		affinity *corev1.Affinity
		match    bool
	}{
		{name: "no affinity matches", affinity: nil, match: true},
		{name: "only preferred affinity matches", affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{}}, match: true},
		{name: "In with the value", affinity: required(expr("zone", corev1.NodeSelectorOpIn, "a", "b")), match: true},
		{name: "In without the value", affinity: required(expr("zone", corev1.NodeSelectorOpIn, "b"))},
		{name: "In on a missing key", affinity: required(expr("disk", corev1.NodeSelectorOpIn, "ssd"))},
		{name: "NotIn without the value", affinity: required(expr("zone", corev1.NodeSelectorOpNotIn, "b")), match: true},
		{name: "NotIn with the value", affinity: required(expr("zone", corev1.NodeSelectorOpNotIn, "a"))},
		{name: "NotIn on a missing key", affinity: required(expr("disk", corev1.NodeSelectorOpNotIn, "ssd")), match: true},
		{name: "Exists on a present key", affinity: required(expr("zone", corev1.NodeSelectorOpExists)), match: true},
		{name: "Exists on a missing key", affinity: required(expr("disk", corev1.NodeSelectorOpExists))},
		{name: "DoesNotExist on a missing key", affinity: required(expr("disk", corev1.NodeSelectorOpDoesNotExist)), match: true},
		{name: "DoesNotExist on a present key", affinity: required(expr("zone", corev1.NodeSelectorOpDoesNotExist))},
		{name: "Gt below the label", affinity: required(expr("cores", corev1.NodeSelectorOpGt, "4")), match: true},
		{name: "Gt at the label", affinity: required(expr("cores", corev1.NodeSelectorOpGt, "8"))},
		{name: "Lt above the label", affinity: required(expr("cores", corev1.NodeSelectorOpLt, "16")), match: true},
		{name: "Lt with a non-integer bound", affinity: required(expr("cores", corev1.NodeSelectorOpLt, "many"))},
		{name: "Gt on a non-integer label", affinity: required(expr("zone", corev1.NodeSelectorOpGt, "1"))},
		{name: "terms are ORed", affinity: required(expr("zone", corev1.NodeSelectorOpIn, "b"), expr("zone", corev1.NodeSelectorOpIn, "a")), match: true},
		{name: "requirements in a term are ANDed", affinity: required(corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{
			{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}},
			{Key: "cores", Operator: corev1.NodeSelectorOpIn, Values: []string{"4"}},
		}})},
		{name: "an empty term matches nothing", affinity: required(corev1.NodeSelectorTerm{})},
		{name: "matchFields In the node name", affinity: required(byName(corev1.NodeSelectorOpIn, "node-1")), match: true},
		{name: "matchFields NotIn the node name", affinity: required(byName(corev1.NodeSelectorOpNotIn, "node-1"))},
		{name: "matchFields naming another node", affinity: required(byName(corev1.NodeSelectorOpIn, "node-2"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := requiredAffinityMatches(tt.affinity, "node-1", nodeLabels)
			if got.OK() != tt.match {
				t.Fatalf("match = %v (%v %q), want %v", got.OK(), got.Reason, got.Message, tt.match)
			}
			if !got.OK() && got.Reason != ReasonNodeAffinityMismatch {
				t.Fatalf("reason = %v, want NodeAffinityMismatch", got.Reason)
			}
		})
	}
}

func TestAffinityMismatchNamesTheRequirement(t *testing.T) {
	got := requiredAffinityMatches(required(expr(labelZone, corev1.NodeSelectorOpIn, "fra1", "ams1")), "n", map[string]string{labelZone: "dc1"})
	if want := "required node affinity not matched: topology.kubernetes.io/zone In [fra1,ams1]"; got.Message != want {
		t.Fatalf("message = %q, want %q", got.Message, want)
	}
}
