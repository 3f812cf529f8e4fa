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
	// Managed, when set, adds the managed-Kubernetes activities to the VPSie task queue.
	Managed *Managed
}

// Register registers the activities of the workflow task queue (everything but VPSie)
// under their contract names. Names are explicit rather than derived from method names
// so renaming a Go method can never break a workflow.
func Register(r Registry, s Set) {
	r.RegisterActivityWithOptions(s.Health.Ping, activity.RegisterOptions{Name: contract.PingActivity})
	// A worker without a dependency (a test, or a Ping-only smoke worker) leaves its
	// activities unregistered; workflows needing them then fail visibly in the Web UI.
	if s.Kube != nil {
		register(r, map[string]any{
			contract.RecordVPSieNodeActivity:      s.Kube.RecordVPSieNode,
			contract.ReleaseVPSieNodeActivity:     s.Kube.ReleaseVPSieNode,
			contract.DeleteVPSieNodeNodeActivity:  s.Kube.DeleteVPSieNodeNode,
			contract.CreateVPSieNodeActivity:      s.Kube.CreateVPSieNode,
			contract.DeleteVPSieNodeActivity:      s.Kube.DeleteVPSieNode,
			contract.WaitNodeRegisteredActivity:   s.Kube.WaitNodeRegistered,
			contract.RevokeBootstrapTokenActivity: s.Kube.RevokeBootstrapToken,
			contract.WaitNodeReadyActivity:        s.Kube.WaitNodeReady,
			contract.ApplyNodeTemplateActivity:    s.Kube.ApplyNodeTemplate,
			contract.CordonNodeActivity:           s.Kube.CordonNode,
			contract.UncordonNodeActivity:         s.Kube.UncordonNode,
			contract.AnnotateDrainStatusActivity:  s.Kube.AnnotateDrainStatus,
			contract.CheckDrainSafetyActivity:     s.Kube.CheckDrainSafety,
			contract.EvictPodsActivity:            s.Kube.EvictPods,
			contract.WaitVPSieNodeGoneActivity:    s.Kube.WaitVPSieNodeGone,
			contract.AnnotateRebalanceActivity:    s.Kube.AnnotateRebalance,
			contract.VerifyPodsRunningActivity:    s.Kube.VerifyPodsRunning,
			contract.VPSieNodeDeletedActivity:     s.Kube.VPSieNodeDeleted,
			contract.FindOrphansActivity:          s.Kube.FindOrphans,
			contract.ReportOrphansActivity:        s.Kube.ReportOrphans,
			contract.RecordedWorkersActivity:      s.Kube.RecordedWorkers,
		})
	}
}

// RegisterVPSie registers the VPSie activities, which run on the VPSie task queue (see
// contract.VPSieTaskQueue) so one queue-wide rate limits them across replicas.
func RegisterVPSie(r Registry, v *VPSie) {
	register(r, map[string]any{
		contract.InspectVPSActivity:      v.InspectVPS,
		contract.FindOwnedVPSActivity:    v.FindOwnedVPS,
		contract.DeleteOwnedVPSActivity:  v.DeleteOwnedVPS,
		contract.GetVPSStateActivity:     v.GetVPSState,
		contract.CreateOwnedVPSActivity:  v.CreateOwnedVPS,
		contract.ListCatalogueActivity:   v.ListCatalogue,
		contract.ListClusterVPSActivity:  v.ListClusterVPS,
		contract.DeleteOrphanVPSActivity: v.DeleteOrphanVPS,
	})
}

func register(r Registry, byName map[string]any) {
	for name, fn := range byName {
		r.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}
