package rebalance

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// A counter born at 1 hides its first event from increase(): the first rebalance of a group
// would show on no dashboard annotation. Every group's outcome counters start at 0, for the
// strategy its policy runs (rolling when it names none).
func TestEveryGroupsRebalanceCountersStartAtZero(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	surge := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "surge"}}
	surge.Spec.RebalancePolicy.Strategy = v1alpha1.RebalanceSurge
	m.groups([]*v1alpha1.NodeGroup{{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web"}}, surge}, nil)
	for _, name := range []string{"started", "completed", "rolled_back", "failed"} {
		metric := "vpsie_autoscaler_rebalance_" + name + "_total"
		if n := testutil.CollectAndCount(reg, metric); n != 2 {
			t.Errorf("%s has %d series, want one per group", metric, n)
		}
	}
	if got := testutil.ToFloat64(m.startedTotal.WithLabelValues("web", "ns", string(v1alpha1.RebalanceRolling))); got != 0 {
		t.Errorf("started of web (rolling) = %v, want 0", got)
	}
	if got := testutil.ToFloat64(m.completedTotal.WithLabelValues("surge", "ns", string(v1alpha1.RebalanceSurge))); got != 0 {
		t.Errorf("completed of surge (surge) = %v, want 0", got)
	}
}
