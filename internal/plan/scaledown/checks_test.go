package scaledown

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// At drain time the pod checks refuse as at plan time, but a budget with no disruption left
// is the Eviction API's to wait on.
func TestCheckAtDrainRefusesWhatThePlannerRefusesButLeavesBudgetsToTheEvictionAPI(t *testing.T) {
	web := pod("web", "100m", "128Mi")
	keep := annotated(web, v1alpha1.AnnotationDoNotDisrupt, "true")
	tests := []struct {
		name   string
		pods   []corev1.Pod
		pdbs   []*policyv1.PodDisruptionBudget
		reason Reason
	}{
		{name: "a plain pod may go", pods: []corev1.Pod{web}, reason: ReasonNone},
		{name: "a spent budget is a wait, not a refusal", pods: []corev1.Pod{web},
			pdbs: []*policyv1.PodDisruptionBudget{pdb("web", appIs("web"), 0)}, reason: ReasonNone},
		{name: "do-not-disrupt refuses", pods: []corev1.Pod{keep}, reason: ReasonDoNotDisrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := snapshot(nil, node("n1", "g", "2", "4Gi", tt.pods...))
			s.PDBs = tt.pdbs
			v := NewSafetyChecks(s).CheckAtDrain("n1")
			if v.Reason != tt.reason {
				t.Fatalf("verdict %+v, want %s", v, tt.reason)
			}
		})
	}
}
