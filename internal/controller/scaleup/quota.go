package scaleup

import (
	"math"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// accountQuota is what the cluster may still create under scaleUp.quotaVMs and quotaVCPUs:
// the limits less the VPSieNodes it has (every one not yet released holds its VPS). VPSie
// publishes no account limits, so the operator states them; without them the map is empty
// and a create refused for capacity falls back to other offerings and datacenters.
func accountQuota(cfg config.ScaleUpConfig, vns []*v1alpha1.VPSieNode, cat contract.Catalogue) map[string]plan.Quota {
	if cfg.QuotaVMs == 0 && cfg.QuotaVCPUs == 0 {
		return nil
	}
	cpus := make(map[string]int32, len(cat.Offerings))
	for _, o := range cat.Offerings {
		cpus[o.ID] = int32(o.CPU)
	}
	q := plan.Quota{VMs: limit(cfg.QuotaVMs), VCPUs: limit(cfg.QuotaVCPUs)}
	for _, vn := range vns {
		q.VMs--
		q.VCPUs -= cpus[vn.Spec.OfferingID]
	}
	return map[string]plan.Quota{plan.AccountQuota: q}
}

func limit(n int) int32 {
	if n == 0 {
		return math.MaxInt32 / 2 // unlimited, with room to subtract
	}
	return int32(n)
}
