package scaleup

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestAccountQuotaIsTheConfiguredLimitLessTheClustersVPSieNodes(t *testing.T) {
	cat := contract.Catalogue{Offerings: []contract.Offering{{ID: "small", CPU: 2}, {ID: "big", CPU: 8}}}
	vns := []*v1alpha1.VPSieNode{{Spec: v1alpha1.VPSieNodeSpec{OfferingID: "small"}}, {Spec: v1alpha1.VPSieNodeSpec{OfferingID: "big"}}}
	cases := []struct {
		name      string
		vms, cpus int
		want      *plan.Quota
	}{
		{name: "no limits configured: no quota at all"},
		{name: "both limits", vms: 5, cpus: 20, want: &plan.Quota{VMs: 3, VCPUs: 10}},
		{name: "a VM limit alone leaves vCPUs unlimited", vms: 5, want: &plan.Quota{VMs: 3, VCPUs: limit(0) - 10}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := accountQuota(config.ScaleUpConfig{QuotaVMs: tc.vms, QuotaVCPUs: tc.cpus}, vns, cat)
			q, ok := got[plan.AccountQuota]
			if (tc.want == nil) != !ok || (ok && q != *tc.want) {
				t.Errorf("quota = %v, want %v", got, tc.want)
			}
		})
	}
}
