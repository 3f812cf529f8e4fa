package rebalance

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	dto "github.com/prometheus/client_model/go"
	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/metrics"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Metrics are the rebalance controller's.
type Metrics struct {
	startedTotal    *prometheus.CounterVec
	completedTotal  *prometheus.CounterVec
	failedTotal     *prometheus.CounterVec
	rolledBackTotal *prometheus.CounterVec
	duration        *prometheus.HistogramVec
	savings         *prometheus.GaugeVec
	cost            *prometheus.GaugeVec
	potential       *prometheus.GaugeVec
	loop            *metrics.Loop
	workflows       *metrics.WorkflowFailures
}

// NewMetrics registers the metrics on reg (reusing them when a second operator in one
// process registers again).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	group := []string{"nodegroup", "namespace"}
	byStrategy := []string{"nodegroup", "namespace", "strategy"}
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vpsie_autoscaler_rebalance_" + name + "_total", Help: help}, byStrategy)
	}
	gauge := func(name, help string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vpsie_autoscaler_" + name, Help: help}, group)
	}
	m := &Metrics{
		startedTotal:    counter("started", "Rebalance runs the controller started."),
		completedTotal:  counter("completed", "Rebalance runs that replaced every node of their plan."),
		failedTotal:     counter("failed", "Rebalance runs that ended in an error (their compensation failed, or they were terminated)."),
		rolledBackTotal: counter("rolled_back", "Rebalance runs rolled back, by a rollback signal or a failed step."),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vpsie_autoscaler_rebalance_duration_seconds",
			Help:    "From the start of a Rebalance run to its end, by outcome (Completed, RolledBack, Cancelled, Failed).",
			Buckets: prometheus.ExponentialBuckets(10, 2, 12)}, []string{"nodegroup", "namespace", "strategy", "outcome"}),
		savings: gauge("rebalance_savings_monthly",
			"Monthly savings of the group's running or last rebalance so far: the replacements whose old node is gone."),
		cost: gauge("nodegroup_monthly_cost", "What the NodeGroup's nodes cost per month at catalogue prices."),
		potential: gauge("nodegroup_potential_savings_monthly",
			"Monthly savings of replacing every node of the NodeGroup worth replacing, gates and safety checks aside."),
	}
	for _, c := range []**prometheus.CounterVec{&m.startedTotal, &m.completedTotal, &m.failedTotal, &m.rolledBackTotal} {
		var err error
		if *c, err = metrics.Register(reg, *c); err != nil {
			return nil, err
		}
	}
	for _, g := range []**prometheus.GaugeVec{&m.savings, &m.cost, &m.potential} {
		var err error
		if *g, err = metrics.Register(reg, *g); err != nil {
			return nil, err
		}
	}
	var err error
	if m.duration, err = metrics.Register(reg, m.duration); err != nil {
		return nil, err
	}
	if m.loop, err = metrics.NewLoop(reg, metrics.LoopRebalance); err != nil {
		return nil, err
	}
	if m.workflows, err = metrics.NewWorkflowFailures(reg); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Metrics) started(key types.NamespacedName, strategy string) {
	m.startedTotal.WithLabelValues(key.Name, key.Namespace, strategy).Inc()
	m.savings.WithLabelValues(key.Name, key.Namespace).Set(0)
}

func (m *Metrics) progressed(key types.NamespacedName, p contract.RebalanceProgress) {
	m.savings.WithLabelValues(key.Name, key.Namespace).Set(p.SavingsMonthly)
}

// ended counts a run's outcome; a Cancelled run is counted by the duration only.
func (m *Metrics) ended(key types.NamespacedName, r run, took time.Duration) {
	labels := []string{key.Name, key.Namespace, r.strategy}
	switch r.ending.outcome {
	case contract.RebalanceCompleted:
		m.completedTotal.WithLabelValues(labels...).Inc()
	case contract.RebalanceRolledBack:
		m.rolledBackTotal.WithLabelValues(labels...).Inc()
	case OutcomeFailed:
		m.failedTotal.WithLabelValues(labels...).Inc()
		m.workflows.Failed(contract.RebalanceWorkflow, key.Namespace, key.Name)
	}
	m.duration.WithLabelValues(append(labels, r.ending.outcome)...).Observe(max(took, 0).Seconds())
	if r.ending.progress != nil {
		m.progressed(key, *r.ending.progress)
	}
}

// groups exports every group's cost and potential savings, starts its outcome counters at
// zero for the strategy it runs (a counter born at 1 hides its first event from increase()
// and rate(), so a group's first rebalance would show on no dashboard), and forgets groups
// that are gone.
func (m *Metrics) groups(all []*v1alpha1.NodeGroup, verdicts []plan.GroupVerdict) {
	present := map[types.NamespacedName]bool{}
	for _, g := range all {
		present[keyOf(g)] = true
		for _, c := range []*prometheus.CounterVec{m.startedTotal, m.completedTotal, m.rolledBackTotal, m.failedTotal} {
			c.WithLabelValues(g.Name, g.Namespace, string(plan.StrategyOf(g)))
		}
	}
	for _, v := range verdicts {
		m.cost.WithLabelValues(v.NodeGroup.Name, v.NodeGroup.Namespace).Set(v.MonthlyCost)
		m.potential.WithLabelValues(v.NodeGroup.Name, v.NodeGroup.Namespace).Set(v.PotentialSavings)
	}
	for _, g := range []*prometheus.GaugeVec{m.cost, m.potential, m.savings} {
		forgetGone(g, present)
	}
}

// forgetGone deletes the series of groups that are no longer there.
func forgetGone(g *prometheus.GaugeVec, present map[types.NamespacedName]bool) {
	ch := make(chan prometheus.Metric, 64)
	go func() { g.Collect(ch); close(ch) }()
	var gone []types.NamespacedName
	for metric := range ch {
		var key types.NamespacedName
		pb := &dto.Metric{}
		if metric.Write(pb) != nil {
			continue
		}
		for _, l := range pb.GetLabel() {
			switch l.GetName() {
			case "nodegroup":
				key.Name = l.GetValue()
			case "namespace":
				key.Namespace = l.GetValue()
			}
		}
		if !present[key] {
			gone = append(gone, key)
		}
	}
	for _, k := range gone {
		g.DeletePartialMatch(prometheus.Labels{"nodegroup": k.Name, "namespace": k.Namespace})
	}
}
