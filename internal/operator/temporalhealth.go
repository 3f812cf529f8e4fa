package operator

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/utils/clock"

	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
)

// temporalHealthEvery is how often every replica asks Temporal whether it is reachable.
const temporalHealthEvery = 15 * time.Second

// temporalHealth exports whether this replica reaches the Temporal frontend, so that an
// alert fires on the cause (Temporal unreachable) rather than on its symptoms (every
// loop failing, no workflow progressing). It runs on every replica: workers need
// Temporal whether or not they lead.
type temporalHealth struct {
	check    func(context.Context) error
	clock    clock.WithTicker
	up       prometheus.Gauge
	failures prometheus.Counter
}

func newTemporalHealth(reg prometheus.Registerer, clk clock.WithTicker, check func(context.Context) error) (*temporalHealth, error) {
	up, err := metrics.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{Name: "vpsie_autoscaler_temporal_up",
		Help: "1 when this replica's last Temporal health check succeeded, 0 when it failed."}))
	if err != nil {
		return nil, err
	}
	failures, err := metrics.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
		Name: "vpsie_autoscaler_temporal_health_check_failures_total",
		Help: "Temporal health checks (every 15 s, on every replica) that failed."}))
	if err != nil {
		return nil, err
	}
	return &temporalHealth{check: check, clock: clk, up: up, failures: failures}, nil
}

// NeedLeaderElection is false: every replica runs a worker.
func (h *temporalHealth) NeedLeaderElection() bool { return false }

// Start checks now and then every temporalHealthEvery until ctx ends.
func (h *temporalHealth) Start(ctx context.Context) error {
	tick := h.clock.NewTicker(temporalHealthEvery)
	defer tick.Stop()
	for {
		h.probe(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C():
		}
	}
}

// probe records one check; a check cut short by shutdown records nothing.
func (h *temporalHealth) probe(ctx context.Context) {
	checkCtx, cancel := context.WithTimeout(ctx, temporalHealthEvery)
	defer cancel()
	err := h.check(checkCtx)
	switch {
	case ctx.Err() != nil:
	case err != nil:
		h.up.Set(0)
		h.failures.Inc()
	default:
		h.up.Set(1)
	}
}
