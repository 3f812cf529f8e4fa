package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Loop names: the value of the loop label, one per leader-only loop (and the NodeGroup
// status reconciler). Alerts and dashboards select on them.
const (
	LoopScaleUp   = "scale_up"
	LoopScaleDown = "scale_down"
	LoopRebalance = "rebalance"
	LoopStatus    = "status"
)

// Loop reports the health of one loop: when its last pass succeeded, how often passes
// fail and how long they take, and how often it is meant to run, so that an alert can
// say "stalled" relative to the loop's own interval rather than a guessed constant.
// A nil *Loop records nothing (tests that need no metrics).
type Loop struct {
	name        string
	lastSuccess prometheus.Gauge
	interval    prometheus.Gauge
	errors      prometheus.Counter
	duration    prometheus.Observer
}

// NewLoop registers the loop metrics on reg (shared by every loop, reused when a second
// operator in one process registers again) and returns the loop named name.
func NewLoop(reg prometheus.Registerer, name string) (*Loop, error) {
	labels := []string{"loop"}
	lastSuccess, err := Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "vpsie_autoscaler_loop_last_success_timestamp_seconds",
		Help: "Unix time of the loop's last pass that finished without an error (0 until the first one).",
	}, labels))
	if err != nil {
		return nil, err
	}
	interval, err := Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "vpsie_autoscaler_loop_interval_seconds",
		Help: "How often the loop runs a pass when nothing triggers it sooner (0: driven by events only).",
	}, labels))
	if err != nil {
		return nil, err
	}
	errs, err := Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vpsie_autoscaler_loop_pass_errors_total",
		Help: "Passes of the loop that ended in an error (the error is logged with the loop's name).",
	}, labels))
	if err != nil {
		return nil, err
	}
	duration, err := Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "vpsie_autoscaler_loop_pass_duration_seconds",
		Help:    "How long one pass of the loop took, failed or not.",
		Buckets: prometheus.ExponentialBuckets(0.005, 4, 9),
	}, labels))
	if err != nil {
		return nil, err
	}
	l := &Loop{name: name, lastSuccess: lastSuccess.WithLabelValues(name), interval: interval.WithLabelValues(name),
		errors: errs.WithLabelValues(name), duration: duration.WithLabelValues(name)}
	return l, nil
}

// SetInterval exports how often the loop runs when nothing triggers it.
func (l *Loop) SetInterval(d time.Duration) {
	if l == nil {
		return
	}
	l.interval.Set(d.Seconds())
}

// Done records one pass that started at start and ended with err (nil: success). The
// success time is the wall clock's, as Prometheus's time() compares it with. A pass cut
// short by shutdown (context.Canceled) is no failure and is not recorded.
func (l *Loop) Done(start time.Time, err error) {
	if l == nil || errors.Is(err, context.Canceled) {
		return
	}
	l.duration.Observe(time.Since(start).Seconds())
	if err != nil {
		l.errors.Inc()
		return
	}
	l.lastSuccess.SetToCurrentTime()
}

// WorkflowFailures counts the workflow runs a controller followed that ended in an
// error (failed, terminated, timed out), by workflow type and NodeGroup. A nil
// *WorkflowFailures records nothing.
type WorkflowFailures struct{ vec *prometheus.CounterVec }

// NewWorkflowFailures registers the counter on reg (shared by every controller).
func NewWorkflowFailures(reg prometheus.Registerer) (*WorkflowFailures, error) {
	vec, err := Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vpsie_autoscaler_workflow_failures_total",
		Help: "Workflow runs a controller followed that ended in an error, by workflow type and NodeGroup.",
	}, []string{"workflow_type", "namespace", "nodegroup"}))
	if err != nil {
		return nil, err
	}
	return &WorkflowFailures{vec: vec}, nil
}

// Failed counts one failed run of workflowType for the NodeGroup namespace/nodegroup.
func (w *WorkflowFailures) Failed(workflowType, namespace, nodegroup string) {
	if w == nil {
		return
	}
	w.vec.WithLabelValues(workflowType, namespace, nodegroup).Inc()
}

// Seen starts the counter of workflowType for the NodeGroup at zero, so its first failure
// is an increase.
func (w *WorkflowFailures) Seen(workflowType, namespace, nodegroup string) {
	if w == nil {
		return
	}
	w.vec.WithLabelValues(workflowType, namespace, nodegroup)
}
