package nodegroup

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Metrics exports each NodeGroup's sizes so dashboards need no apiserver.
type Metrics struct {
	nodes  *prometheus.GaugeVec
	phases *prometheus.GaugeVec
}

// NewMetrics registers the NodeGroup gauges on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{nodes: prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "vpsie_autoscaler_nodegroup_nodes",
		Help: "Nodes of a NodeGroup by kind: min, max, desired, current, ready.",
	}, []string{"namespace", "nodegroup", "kind"}), phases: prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "vpsie_autoscaler_vpsienode_phase",
		Help: "VPSieNodes of a NodeGroup by phase.",
	}, []string{"namespace", "nodegroup", "phase"})}
	for _, g := range []**prometheus.GaugeVec{&m.nodes, &m.phases} {
		if err := reg.Register(*g); err != nil {
			// A second operator in one process (tests) shares the first one's gauges.
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, fmt.Errorf("registering nodegroup metrics: %w", err)
			}
			*g = are.ExistingCollector.(*prometheus.GaugeVec)
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
		m.nodes.WithLabelValues(ng.Namespace, ng.Name, kind).Set(float64(v))
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
	m.nodes.DeletePartialMatch(prometheus.Labels{"namespace": key.Namespace, "nodegroup": key.Name})
	m.phases.DeletePartialMatch(prometheus.Labels{"namespace": key.Namespace, "nodegroup": key.Name})
}
