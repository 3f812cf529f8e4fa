package scaledown

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// A counter born at 1 hides its first event from increase(): every group's series start at 0.
func TestEveryGroupsScaleDownCountersStartAtZero(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.groupsSeen([]*v1alpha1.NodeGroup{{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "workers"}}})
	if n := testutil.CollectAndCount(reg, "vpsie_autoscaler_scale_down_total"); n != len(scaleDownResults) {
		t.Errorf("scale_down_total has %d series, want one per result (%d)", n, len(scaleDownResults))
	}
	if got := counter(t, reg, "vpsie_autoscaler_scale_down_total", "result", "started"); got != 0 {
		t.Errorf("started = %v, want 0", got)
	}
}

// The safety-check panel and its increase() see a group's first kept node only when the
// group's series exist at zero before it: one per check type from the first pass.
func TestEveryGroupsSafetyCheckFailuresStartAtZero(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.groupsSeen([]*v1alpha1.NodeGroup{{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "workers"}}})
	checks := safetyChecks()
	if len(checks) != 6 {
		t.Errorf("safety checks %v, want the six of safety_check_failures_total's help", checks)
	}
	if n := testutil.CollectAndCount(reg, "vpsie_autoscaler_safety_check_failures_total"); n != len(checks) {
		t.Errorf("safety_check_failures_total has %d series, want one per check type (%d)", n, len(checks))
	}
	if got := counter(t, reg, "vpsie_autoscaler_safety_check_failures_total", "check_type", "pdb"); got != 0 {
		t.Errorf("pdb = %v, want 0", got)
	}
}
