package scaleup

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

// A counter born at 1 hides its first event from increase(): every group's series start at 0.
func TestEveryGroupsScaleUpCountersStartAtZero(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.groupsSeen([]*v1alpha1.NodeGroup{{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "workers"}}})
	if n := testutil.CollectAndCount(reg, "vpsie_autoscaler_scale_up_total"); n != len(scaleUpResults) {
		t.Errorf("scale_up_total has %d series, want one per result (%d)", n, len(scaleUpResults))
	}
	if got := testutil.ToFloat64(m.scaleUps.WithLabelValues("ns", "workers", "started")); got != 0 {
		t.Errorf("started = %v, want 0", got)
	}
	if n := testutil.CollectAndCount(reg, "vpsie_autoscaler_workflow_failures_total"); n != 1 {
		t.Errorf("workflow_failures_total has %d series, want the group's ScaleUp one", n)
	}
}

// unschedulable_pods names the NodeGroup meant for the pods (the one whose reason labels
// them), so PodsPendingWithoutScaleUp and the dashboards can say which group holds them back;
// a pod no group is meant for has no group.
func TestUnschedulablePodsNameTheGroupMeantForThem(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provisioner{metrics: m, reported: newReported(), verdicts: NewVerdicts(), events: events.NewFakeRecorder(10)}
	web := types.NamespacedName{Namespace: "ns", Name: "web"}
	other := types.NamespacedName{Namespace: "ns", Name: "other"}
	p.report(plan.Snapshot{}, plan.Result{Unschedulable: []plan.Unschedulable{
		{Pod: types.NamespacedName{Namespace: "ns", Name: "a"}, Verdicts: []plan.Verdict{
			{NodeGroup: other, Reason: plan.ReasonNodeSelectorMismatch}, {NodeGroup: web, Reason: plan.ReasonScaleUpDisabled}}},
		{Pod: types.NamespacedName{Namespace: "ns", Name: "b"}, Verdicts: []plan.Verdict{{NodeGroup: web, Reason: plan.ReasonScaleUpDisabled}}},
		{Pod: types.NamespacedName{Namespace: "ns", Name: "c"}},
	}})
	for _, c := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"ScaleUpDisabled", "ns", "web"}, 2},
		{[]string{"NoNodeGroup", "", ""}, 1},
	} {
		if got := testutil.ToFloat64(m.unschedulable.WithLabelValues(c.labels...)); got != c.want {
			t.Errorf("unschedulable_pods%v = %v, want %v", c.labels, got, c.want)
		}
	}
	if n := testutil.CollectAndCount(reg, "vpsie_autoscaler_unschedulable_pods"); n != 2 {
		t.Errorf("unschedulable_pods has %d series, want 2", n)
	}
}
