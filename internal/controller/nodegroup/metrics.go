package nodegroup

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/metrics"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// sizeKinds are the NodeGroup sizes exported, one gauge each:
// vpsie_autoscaler_nodegroup_<kind>_nodes.
var sizeKinds = []string{"min", "max", "desired", "current", "ready"}

// Metrics exports each NodeGroup's sizes so dashboards need no apiserver.
type Metrics struct {
	sizes  map[string]*prometheus.GaugeVec
	phases *prometheus.GaugeVec
	// writeFailures counts failed status writes by reason (conflict: retried at once).
	writeFailures *prometheus.CounterVec
	loop          *metrics.Loop
}

// NewMetrics registers the NodeGroup gauges on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	phases, err := metrics.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "vpsie_autoscaler_vpsienode_phase",
		Help: "VPSieNodes of a NodeGroup by phase.",
	}, []string{"namespace", "nodegroup", "phase"}))
	if err != nil {
		return nil, err
	}
	writeFailures, err := metrics.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vpsie_autoscaler_status_update_failures_total",
		Help: "Status writes that failed, by resource and reason (conflict, not_found, invalid, other).",
	}, []string{"resource", "reason"}))
	if err != nil {
		return nil, err
	}
	loop, err := metrics.NewLoop(reg, metrics.LoopStatus)
	if err != nil {
		return nil, err
	}
	loop.SetInterval(resyncAfter)
	m := &Metrics{sizes: map[string]*prometheus.GaugeVec{}, phases: phases, writeFailures: writeFailures, loop: loop}
	for _, kind := range sizeKinds {
		if m.sizes[kind], err = metrics.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "vpsie_autoscaler_nodegroup_" + kind + "_nodes",
			Help: "The NodeGroup's " + kind + " number of nodes.",
		}, []string{"namespace", "nodegroup"})); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) observe(ng *v1alpha1.NodeGroup) {
	if m == nil || ng == nil {
		return
	}
	for kind, v := range map[string]int32{
		"min": ng.Spec.MinNodes, "max": ng.Spec.MaxNodes, "desired": ng.Status.DesiredNodes,
		"current": ng.Status.CurrentNodes, "ready": ng.Status.ReadyNodes,
	} {
		m.sizes[kind].WithLabelValues(ng.Namespace, ng.Name).Set(float64(v))
	}
	m.phases.DeletePartialMatch(prometheus.Labels{"namespace": ng.Namespace, "nodegroup": ng.Name})
	for _, member := range ng.Status.Nodes {
		m.phases.WithLabelValues(ng.Namespace, ng.Name, string(member.Phase)).Inc()
	}
}

func (m *Metrics) forget(key types.NamespacedName) {
	if m == nil {
		return
	}
	for _, g := range m.sizes {
		g.DeletePartialMatch(prometheus.Labels{"namespace": key.Namespace, "nodegroup": key.Name})
	}
	m.phases.DeletePartialMatch(prometheus.Labels{"namespace": key.Namespace, "nodegroup": key.Name})
}

// writeFailed counts a failed NodeGroup status write by its reason.
func (m *Metrics) writeFailed(err error) {
	if m == nil || err == nil {
		return
	}
	m.writeFailures.WithLabelValues("NodeGroup", writeFailureReason(err)).Inc()
}

func writeFailureReason(err error) string {
	switch {
	case apierrors.IsConflict(err):
		return "conflict"
	case apierrors.IsNotFound(err):
		return "not_found"
	case apierrors.IsInvalid(err):
		return "invalid"
	}
	return "other"
}

// reconciled reports one reconcile to the status loop's health metrics.
func (m *Metrics) reconciled(start time.Time, err error) {
	if m == nil {
		return
	}
	m.loop.Done(start, err)
}
