package scaleup

import (
	"github.com/prometheus/client_golang/prometheus"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Metrics are the provisioner's; labels read the planner's and workflow's typed reasons.
type Metrics struct {
	scaleUps      *prometheus.CounterVec
	unschedulable *prometheus.GaugeVec
	pending       prometheus.Gauge
	provisioning  *prometheus.HistogramVec
	decision      prometheus.Histogram
	loop          *metrics.Loop
	workflows     *metrics.WorkflowFailures
}

// NewMetrics registers the provisioner's metrics on reg (reusing them when a second
// operator in one process registers again).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		scaleUps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vpsie_autoscaler_scale_up_total",
			Help: "Nodes a scale-up asked for, by outcome: started, ready, or the typed failure reason."},
			[]string{"namespace", "nodegroup", "result"}),
		unschedulable: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vpsie_autoscaler_unschedulable_pods",
			Help: "Pending pods no NodeGroup can take, by the typed reason of the first NodeGroup meant for them (one whose nodes they select and whose taints they tolerate) and that group (empty for NoNodeGroup)."},
			[]string{"reason", "namespace", "nodegroup"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "vpsie_autoscaler_pending_pods",
			Help: "Pending pods the scheduler found unschedulable, as the last scale-up pass saw them (those no NodeGroup can take included)."}),
		provisioning: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vpsie_autoscaler_node_provisioning_duration_seconds",
			Help:    "From the start of a ScaleUp workflow to its node being Ready (or failed).",
			Buckets: prometheus.ExponentialBuckets(5, 2, 9)}, []string{"namespace", "nodegroup", "result"}),
		decision: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vpsie_autoscaler_scale_up_decision_latency_seconds",
			Help:    "From the controller first seeing a batch's earliest pod unschedulable to the request that starts its ScaleUp workflow.",
			Buckets: prometheus.ExponentialBuckets(0.1, 2, 10)}),
	}
	var err error
	if m.loop, err = metrics.NewLoop(reg, metrics.LoopScaleUp); err != nil {
		return nil, err
	}
	if m.workflows, err = metrics.NewWorkflowFailures(reg); err != nil {
		return nil, err
	}
	if m.scaleUps, err = metrics.Register(reg, m.scaleUps); err != nil {
		return nil, err
	}
	if m.unschedulable, err = metrics.Register(reg, m.unschedulable); err != nil {
		return nil, err
	}
	if m.pending, err = metrics.Register(reg, m.pending); err != nil {
		return nil, err
	}
	if m.provisioning, err = metrics.Register(reg, m.provisioning); err != nil {
		return nil, err
	}
	if m.decision, err = metrics.Register(reg, m.decision); err != nil {
		return nil, err
	}
	return m, nil
}

// scaleUpResults are every value of scale_up_total's result label.
var scaleUpResults = []string{"started", "ready", contract.FailureCapacity, contract.FailureCreate, contract.FailureBoot,
	contract.FailureBootTimeout, contract.FailureJoinTimeout, contract.FailureNotReady, contract.FailureNodeUnused}

// groupsSeen starts every NodeGroup's counters at zero: a counter that appears already at
// 1 hides its first event from increase() and rate(), so a group's first scale-up or first
// failure would show on no dashboard annotation and fire no alert.
func (m *Metrics) groupsSeen(groups []*v1alpha1.NodeGroup) {
	if m == nil {
		return
	}
	for _, g := range groups {
		for _, r := range scaleUpResults {
			m.scaleUps.WithLabelValues(g.Namespace, g.Name, r)
		}
		m.workflows.Seen(contract.ScaleUpWorkflow, g.Namespace, g.Name)
	}
}
