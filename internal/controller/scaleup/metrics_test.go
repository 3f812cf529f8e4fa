package scaleup

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
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
