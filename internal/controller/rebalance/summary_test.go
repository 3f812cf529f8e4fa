package rebalance

import (
	"slices"
	"strings"
	"testing"

	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
)

// The reproduction's plan: three nodes moved to a dearer offering. The event and the status
// must say it costs more and which drift asked for it, never "saves -28.00/month".
func TestADearerPlanSaysWhatItCostsAndWhy(t *testing.T) {
	rep := func(node string, r plan.Reason, savings float64) plan.Replacement {
		return plan.Replacement{Node: node, From: "std-2c-4g", Targets: []plan.Target{{Offering: "std-4c-8g"}},
			MonthlySavings: savings, Reason: r}
	}
	p := plan.Plan{ID: "p1", Strategy: "rolling", MonthlySavings: -28, Batches: [][]plan.Replacement{
		{rep("a", plan.ReasonKubernetesVersionChanged, -14)}, {rep("b", plan.ReasonImageChanged, -14)}, {rep("c", plan.ReasonCheaperOffering, 0)}}}
	got := summary(p)
	for _, want := range []string{"costs 28.00/month more", "for drift (ImageChanged, KubernetesVersionChanged)"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary %q does not say %q", got, want)
		}
	}
	if strings.Contains(got, "saves -") {
		t.Errorf("summary %q reports a negative saving", got)
	}
	r := run{planID: "p1", planned: p.MonthlySavings, reasons: reasonsOf(p)}
	if st := statusOf(r); !slices.Equal(st.Reasons, []string{"CheaperOffering", "ImageChanged", "KubernetesVersionChanged"}) {
		t.Errorf("status.rebalance.reasons = %v", st.Reasons)
	}
}
