package vpsie

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

const metricsPrefix = "vpsie_autoscaler_vpsie_api_"

// metrics never carries credentials or raw paths: endpoint is the route template and the only labels are
// method, endpoint, code and kind.
type metrics struct {
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	errors       *prometheus.CounterVec
	rateLimited  prometheus.Counter
	breakerState prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricsPrefix + "requests_total",
			Help: "VPSie API HTTP requests by method, route template and status code (0 = no response).",
		}, []string{"method", "endpoint", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    metricsPrefix + "request_duration_seconds",
			Help:    "VPSie API HTTP request latency by method and route template.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "endpoint"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricsPrefix + "errors_total",
			Help: "Failed VPSie API call attempts by error kind (circuit_open: rejected without a request).",
		}, []string{"kind"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: metricsPrefix + "rate_limited_total",
			Help: "Requests delayed by the client-side rate limiter (server 429s count in errors_total{kind=\"rate_limited\"}).",
		}),
		breakerState: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: metricsPrefix + "circuit_breaker_state",
			Help: "VPSie API circuit breaker: 0 closed, 1 half-open, 2 open.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	m.requests = register(reg, m.requests, &err)
	m.duration = register(reg, m.duration, &err)
	m.errors = register(reg, m.errors, &err)
	m.rateLimited = register(reg, m.rateLimited, &err)
	m.breakerState = register(reg, m.breakerState, &err)
	return m, err
}

// register adopts an already registered collector so several clients can share one registry.
func register[C prometheus.Collector](reg prometheus.Registerer, c C, errp *error) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		*errp = errors.Join(*errp, err)
	}
	return c
}
