package webhook

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
)

// Metrics are the admission server's: requests by webhook and decision, latency, and the
// requests refused before a decision by reason. A nil *Metrics records nothing.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

// Decisions and error reasons: the values of the result and reason labels.
const (
	resultAllowed = "allowed"
	resultDenied  = "denied"
	resultError   = "error"
	unknownRoute  = "unknown"
)

// errorReasons names each HTTP status the server answers a refused request with; the
// seed's webhook_request_errors_total{reason="size_limit"} is the 413 one.
var errorReasons = map[int]string{
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusRequestEntityTooLarge: "size_limit",
	http.StatusBadRequest:            "bad_request",
	http.StatusServiceUnavailable:    "busy",
	http.StatusInternalServerError:   "internal",
}

// NewMetrics registers the webhook metrics on reg (reusing them when registered again).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vpsie_autoscaler_webhook_requests_total",
			Help: "Admission requests by webhook and result (allowed, denied, error: refused before a decision)."},
			[]string{"webhook", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vpsie_autoscaler_webhook_request_duration_seconds",
			Help:    "Admission request latency by webhook, refused requests included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"webhook"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vpsie_autoscaler_webhook_request_errors_total",
			Help: "Admission requests refused before a decision, by webhook and reason (size_limit, bad_request, busy, ...)."},
			[]string{"webhook", "reason"}),
	}
	var err error
	if m.requests, err = metrics.Register(reg, m.requests); err != nil {
		return nil, err
	}
	if m.duration, err = metrics.Register(reg, m.duration); err != nil {
		return nil, err
	}
	if m.errors, err = metrics.Register(reg, m.errors); err != nil {
		return nil, err
	}
	return m, nil
}

// routesSeen starts every webhook's counters at zero: a counter born at 1 hides its first
// event from rate() and increase(), and WebhookErrors divides one rate by another.
func (m *Metrics) routesSeen(routes map[string]AdmitFunc) {
	if m == nil {
		return
	}
	for path := range routes {
		webhook := routeName(path, true)
		for _, result := range []string{resultAllowed, resultDenied, resultError} {
			m.requests.WithLabelValues(webhook, result)
		}
		for _, reason := range errorReasons {
			m.errors.WithLabelValues(webhook, reason)
		}
	}
	m.errors.WithLabelValues(unknownRoute, errorReasons[http.StatusNotFound])
}

// routeName is the webhook label of a request path: the route without its slash.
func routeName(path string, known bool) string {
	if !known {
		return unknownRoute
	}
	return strings.TrimPrefix(strings.TrimSuffix(path, "/"), "/")
}

// instrument wraps the handler of one request; decided records the admit decision.
func (m *Metrics) instrument(webhook string, serve func(w http.ResponseWriter, decided func(*admissionv1.AdmissionResponse)), w http.ResponseWriter) {
	if m == nil {
		serve(w, func(*admissionv1.AdmissionResponse) {})
		return
	}
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	result := ""
	serve(rec, func(resp *admissionv1.AdmissionResponse) {
		result = resultAllowed
		if resp != nil && !resp.Allowed {
			result = resultDenied
		}
	})
	if rec.status >= http.StatusBadRequest {
		result = resultError
		reason, ok := errorReasons[rec.status]
		if !ok {
			reason = "other"
		}
		m.errors.WithLabelValues(webhook, reason).Inc()
	}
	m.requests.WithLabelValues(webhook, result).Inc()
	m.duration.WithLabelValues(webhook).Observe(time.Since(start).Seconds())
}

// statusRecorder remembers the status the handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}
