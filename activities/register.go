package activities

import (
	"go.temporal.io/sdk/activity"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Registry is the activity half of worker.Registry; workers and test environments satisfy it.
type Registry interface {
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

// Set holds one implementation per dependency. The worker builds it once at start-up.
type Set struct {
	Health *Health
	VPSie  *VPSie
	Kube   *Kube
}

// Register registers every activity under its contract name. Names are explicit rather
// than derived from method names so renaming a Go method can never break a workflow.
func Register(r Registry, s Set) {
	r.RegisterActivityWithOptions(s.Health.Ping, activity.RegisterOptions{Name: contract.PingActivity})
	// A worker without a dependency (a test, or a Ping-only smoke worker) leaves its
	// activities unregistered; workflows needing them then fail visibly in the Web UI.
	if s.VPSie != nil {
		r.RegisterActivityWithOptions(s.VPSie.DeleteVPS, activity.RegisterOptions{Name: contract.DeleteVPSActivity})
	}
	if s.Kube != nil {
		r.RegisterActivityWithOptions(s.Kube.SetVPSieNodePhase, activity.RegisterOptions{Name: contract.SetVPSieNodePhaseActivity})
		r.RegisterActivityWithOptions(s.Kube.ReleaseVPSieNode, activity.RegisterOptions{Name: contract.ReleaseVPSieNodeActivity})
	}
}
