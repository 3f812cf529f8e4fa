package nodegroup

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// sizeKinds are the NodeGroup sizes exported, one gauge each:
// vpsie_autoscaler_nodegroup_<kind>_nodes.
var sizeKinds = []string{"min", "max", "desired", "current", "ready"}

// Metrics exports each NodeGroup's sizes so dashboards need no apiserver.
type Metrics struct {
	sizes  map[string]*prometheus.GaugeVec
	phases *prometheus.GaugeVec
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
	m := &Metrics{sizes: map[string]*prometheus.GaugeVec{}, phases: phases}
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
