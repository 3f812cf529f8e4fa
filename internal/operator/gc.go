package operator

import (
	"context"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/workflowstart"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// gcRetry is the wait between attempts to create the orphan collector's Schedule while
// Temporal does not answer.
const gcRetry = 10 * time.Second

// addGCSchedule makes the leader create or update the Schedule gc/<cluster> at start
// (idempotent, so every start and every new leader re-asserts it, and a Schedule lost
// with the Temporal database comes back with the next start).
func addGCSchedule(mgr ctrl.Manager, cfg *config.Config, d Deps) error {
	if !cfg.GC.Enabled || d.Temporal == nil {
		return nil
	}
	spec := gcScheduleSpec(cfg)
	return mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
		log := ctrl.LoggerFrom(ctx).WithValues("schedule", spec.ID)
		for {
			err := d.Starter.EnsureSchedule(ctx, d.Temporal.ScheduleClient(), spec)
			if err == nil {
				log.Info("Orphan collector scheduled", "every", cfg.GC.Interval, "grace", cfg.GC.Grace, "dryRun", cfg.GC.DryRun)
				break
			}
			log.Error(err, "Could not schedule the orphan collector; retrying", "in", gcRetry)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(gcRetry):
			}
		}
		<-ctx.Done()
		return nil
	}))
}

// gcScheduleSpec is the pure mapping from the configuration to the Schedule.
func gcScheduleSpec(cfg *config.Config) workflowstart.ScheduleSpec {
	return workflowstart.ScheduleSpec{
		ID: contract.GCScheduleID(cfg.Controller.ClusterName), Workflow: contract.CollectOrphansWorkflow,
		Every: cfg.GC.Interval, Operation: contract.OperationGC,
		Input: contract.CollectOrphansInput{Cluster: cfg.Controller.ClusterName, Grace: cfg.GC.Grace, DryRun: cfg.GC.DryRun,
			StrandedAfter: strandedAfter(cfg)},
	}
}

// strandedAfter is when a VPSieNode still being created has outlived every ScaleUp wait
// that could finish it (boot, join, ready), with the grace on top.
func strandedAfter(cfg *config.Config) time.Duration {
	u := cfg.ScaleUp
	return u.BootTimeout + u.JoinTimeout + u.ReadyTimeout + cfg.GC.Grace
}
