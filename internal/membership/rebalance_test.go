package membership

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestRebalanceOfHoldsTheRunsOldAndNewNodesWhileItRuns(t *testing.T) {
	madeByRun := func(v *v1alpha1.VPSieNode) {
		v.Labels = map[string]string{v1alpha1.LabelBatch: v1alpha1.RebalanceBatchPrefix + "0a1b2c3d-0"}
	}
	markedNode := func(name, plan string) *corev1.Node {
		n := node(name, nil)
		n.Annotations = map[string]string{v1alpha1.AnnotationRebalanceStatus: "replacing", v1alpha1.AnnotationRebalancePlan: plan}
		return n
	}
	vns := []*v1alpha1.VPSieNode{
		vn("a", "old", "g", v1alpha1.PhaseReady, recorded("old")),
		vn("a", "other", "g", v1alpha1.PhaseReady, recorded("other")),
		vn("a", "new", "g", v1alpha1.PhaseReady, recorded("new"), madeByRun),
		vn("a", "booting", "g", v1alpha1.PhaseProvisioning, madeByRun),
		vn("a", "gone", "g", v1alpha1.PhaseReady, recorded("gone"), madeByRun, deleting),
	}
	nodes := []*corev1.Node{markedNode("old", "p1"), node("other", nil), node("new", nil), node("gone", nil)}
	done := metav1.Now()
	for _, tt := range []struct {
		name     string
		status   *v1alpha1.NodeGroupRebalanceStatus
		old, new []string
	}{
		{"a running run holds its marked nodes and every member it made", &v1alpha1.NodeGroupRebalanceStatus{PlanID: "p1"},
			[]string{"old"}, []string{"booting", "new"}},
		{"before the status shows the run, its marks do", nil, []string{"old"}, []string{"booting", "new"}},
		{"a finished run of the mark's plan holds nothing", &v1alpha1.NodeGroupRebalanceStatus{PlanID: "p1", FinishedAt: &done}, nil, nil},
		{"a finished earlier run does not free the mark of a newer plan", &v1alpha1.NodeGroupRebalanceStatus{PlanID: "p0", FinishedAt: &done},
			[]string{"old"}, []string{"booting", "new"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "g"}}
			ng.Status.Rebalance = tt.status
			r := New(vns, nodes).RebalanceOf(ng)
			names := func(vs []*v1alpha1.VPSieNode) []string {
				var out []string
				for _, v := range vs {
					out = append(out, v.Name)
				}
				return out
			}
			if !equal(names(r.Old), tt.old) || !equal(names(r.New), tt.new) {
				t.Errorf("old %v new %v, want %v and %v", names(r.Old), names(r.New), tt.old, tt.new)
			}
		})
	}
}
