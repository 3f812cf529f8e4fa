package activities

import (
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"

	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
)

// Kinds of orphan, the kind label of the collector's metrics.
const (
	orphanKindVPS  = "vps"
	orphanKindNode = "node"
	// orphanKindStranded is a VPSieNode left in a create phase with no ScaleUp to finish it.
	orphanKindStranded = "stranded_vpsienode"
)

// OrphanMetrics count what the orphan collector found (still orphaned after its grace)
// and deleted, by kind (vps, node, stranded_vpsienode). A nil *OrphanMetrics counts nothing.
type OrphanMetrics struct {
	found   *prometheus.CounterVec
	deleted *prometheus.CounterVec
}

// NewOrphanMetrics registers the collector's metrics on reg (reusing them when they are
// registered already).
func NewOrphanMetrics(reg prometheus.Registerer) (*OrphanMetrics, error) {
	m := &OrphanMetrics{
		found: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vpsie_autoscaler_orphans_found_total",
			Help: "Orphans the collector confirmed after its grace period (dry run included), by kind (vps, node, stranded_vpsienode)."},
			[]string{"kind"}),
		deleted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vpsie_autoscaler_orphans_deleted_total",
			Help: "Orphans the collector deleted, by kind (vps, node, stranded_vpsienode)."}, []string{"kind"}),
	}
	var err error
	if m.found, err = metrics.Register(reg, m.found); err != nil {
		return nil, err
	}
	if m.deleted, err = metrics.Register(reg, m.deleted); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *OrphanMetrics) countFound(kind string) {
	if m != nil {
		m.found.WithLabelValues(kind).Inc()
	}
}

func (m *OrphanMetrics) countDeleted(kind string) {
	if m != nil {
		m.deleted.WithLabelValues(kind).Inc()
	}
}

func typesUID(s string) types.UID { return types.UID(s) }
