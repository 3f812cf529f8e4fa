package scaledown

import (
	"github.com/prometheus/client_golang/prometheus"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Metrics are the scale-down controller's; labels read the planner's and the workflow's
// typed reasons and outcomes.
type Metrics struct {
	blocked     *prometheus.CounterVec
	safety      *prometheus.CounterVec
	scaleDowns  *prometheus.CounterVec
	drainTime   *prometheus.HistogramVec
	evicted     *prometheus.HistogramVec
	termination prometheus.Histogram
	utilization *prometheus.GaugeVec
	loop        *metrics.Loop
	workflows   *metrics.WorkflowFailures
}

// NewMetrics registers the metrics on reg (reusing them when a second operator in one
// process registers again).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	group := []string{"nodegroup", "namespace"}
	m := &Metrics{
		blocked: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vpsie_autoscaler_scale_down_blocked_total",
			Help: "Nodes that became blocked from scale-down, by the planner's typed reason (counted once per node and reason)."},
			append(group, "reason")),
		safety: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vpsie_autoscaler_safety_check_failures_total",
			Help: "Nodes a scale-down safety check kept, by check (pdb, local_storage, kube_system, no_controller, do_not_disrupt, protected_node)."},
			[]string{"check_type", "nodegroup", "namespace"}),
		scaleDowns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vpsie_autoscaler_scale_down_total",
			Help: "Nodes scale-down acted on, by result: started, then Deleted, Compensated, DeletePending or Failed."},
			append(group, "result")),
		drainTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vpsie_autoscaler_node_drain_duration_seconds",
			Help:    "From the start of a DrainAndDelete workflow to its outcome, by outcome.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12)}, append(group, "status")),
		evicted: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vpsie_autoscaler_node_drain_pods_evicted",
			Help:    "Pods one drain evicted.",
			Buckets: []float64{0, 1, 2, 5, 10, 20, 50, 110}}, group),
		termination: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "vpsie_autoscaler_node_termination_duration_seconds",
			Help:    "From a drained node's VPSieNode being deleted to its VPS, Node and VPSieNode being gone.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11)}),
		utilization: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vpsie_autoscaler_nodegroup_utilization_ratio",
			Help: "Requested of allocatable over a NodeGroup's managed nodes, by resource (cpu, memory)."},
			append(group, "resource")),
	}
	var err error
	if m.loop, err = metrics.NewLoop(reg, metrics.LoopScaleDown); err != nil {
		return nil, err
	}
	if m.workflows, err = metrics.NewWorkflowFailures(reg); err != nil {
		return nil, err
	}
	if m.blocked, err = metrics.Register(reg, m.blocked); err != nil {
		return nil, err
	}
	if m.safety, err = metrics.Register(reg, m.safety); err != nil {
		return nil, err
	}
	if m.scaleDowns, err = metrics.Register(reg, m.scaleDowns); err != nil {
		return nil, err
	}
	if m.drainTime, err = metrics.Register(reg, m.drainTime); err != nil {
		return nil, err
	}
	if m.evicted, err = metrics.Register(reg, m.evicted); err != nil {
		return nil, err
	}
	if m.termination, err = metrics.Register(reg, m.termination); err != nil {
		return nil, err
	}
	if m.utilization, err = metrics.Register(reg, m.utilization); err != nil {
		return nil, err
	}
	return m, nil
}

// scaleDownResults are every value of scale_down_total's result label.
var scaleDownResults = []string{"started", contract.DrainDeleted, contract.DrainCompensated, contract.DrainDeletePending, resultFailed}

// safetyChecks are every value of safety_check_failures_total's check_type label: the
// planner's reasons that are safety checks.
func safetyChecks() []string {
	var out []string
	for _, r := range plan.Reasons() {
		if ct := r.CheckType(); ct != "" {
			out = append(out, ct)
		}
	}
	return out
}

// groupsSeen starts every NodeGroup's counters at zero: a counter that appears already at
// 1 hides its first event from increase() and rate() (dashboard annotations, alerts).
func (m *Metrics) groupsSeen(groups []*v1alpha1.NodeGroup) {
	if m == nil {
		return
	}
	for _, g := range groups {
		for _, r := range scaleDownResults {
			m.scaleDowns.WithLabelValues(g.Name, g.Namespace, r)
		}
		for _, ct := range safetyChecks() {
			m.safety.WithLabelValues(ct, g.Name, g.Namespace)
		}
		m.workflows.Seen(contract.DrainAndDeleteWorkflow, g.Namespace, g.Name)
	}
}
