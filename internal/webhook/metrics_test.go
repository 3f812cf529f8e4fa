package webhook

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	admissionv1 "k8s.io/api/admission/v1"
)

func TestWebhookMetricsCountDecisionsAndRefusalsByReason(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler(Options{Metrics: m})
	managed := map[string]string{"autoscaler.vpsie.com/managed": "true"}
	denied := reviewBody(t, admissionv1.Delete, "alice", nil, nil, node("n1", managed))
	allowed := reviewBody(t, admissionv1.Delete, "alice", nil, nil, node("n2", nil))
	big := append(bytes.Repeat([]byte(" "), MaxBodyBytes), allowed...)
	for _, r := range []struct {
		method, path string
		body         []byte
	}{
		{http.MethodPost, PathValidateNode, allowed},
		{http.MethodPost, PathValidateNode, denied},
		{http.MethodPost, PathValidateNode, big},
		{http.MethodPost, PathValidateNode, []byte(`{"kind":`)},
		{http.MethodGet, PathValidateNodeGroup, nil},
		{http.MethodPost, "/validate-pod", allowed},
	} {
		req := httptest.NewRequest(r.method, r.path, bytes.NewReader(r.body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	for _, c := range []struct {
		vec    *prometheus.CounterVec
		labels []string
		want   float64
	}{
		{m.requests, []string{"validate-node", resultAllowed}, 1},
		{m.requests, []string{"validate-node", resultDenied}, 1},
		{m.requests, []string{"validate-node", resultError}, 2},
		{m.requests, []string{"validate-nodegroup", resultError}, 1},
		{m.requests, []string{unknownRoute, resultError}, 1},
		{m.errors, []string{"validate-node", "size_limit"}, 1},
		{m.errors, []string{"validate-node", "bad_request"}, 1},
		{m.errors, []string{"validate-nodegroup", "method_not_allowed"}, 1},
		{m.errors, []string{unknownRoute, "not_found"}, 1},
	} {
		if got := testutil.ToFloat64(c.vec.WithLabelValues(c.labels...)); got != c.want {
			t.Errorf("%v = %v, want %v", c.labels, got, c.want)
		}
	}
	if n := testutil.CollectAndCount(reg, "vpsie_autoscaler_webhook_request_duration_seconds"); n != 3 {
		t.Errorf("latency series = %d, want one per webhook seen (3)", n)
	}
}

// A counter born at 1 hides its first event from rate() and increase(), and WebhookErrors
// divides by rate(): every webhook's decisions and refusal reasons are series at 0 before
// the first request.
func TestEveryWebhooksCountersStartAtZero(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	NewHandler(Options{Metrics: m})
	routes := []string{"validate-node", "validate-nodegroup", "default-nodegroup", "validate-vpsienode"}
	if n, want := testutil.CollectAndCount(reg, "vpsie_autoscaler_webhook_request_errors_total"), len(routes)*len(errorReasons)+1; n != want {
		t.Errorf("webhook_request_errors_total has %d series, want one per webhook and reason and the unknown route's not_found (%d)", n, want)
	}
	if n, want := testutil.CollectAndCount(reg, "vpsie_autoscaler_webhook_requests_total"), len(routes)*3; n != want {
		t.Errorf("webhook_requests_total has %d series, want one per webhook and result (%d)", n, want)
	}
	for _, r := range routes {
		if got := testutil.ToFloat64(m.errors.WithLabelValues(r, "size_limit")); got != 0 {
			t.Errorf("%s size_limit = %v, want 0", r, got)
		}
	}
	if n := testutil.CollectAndCount(reg, "vpsie_autoscaler_webhook_request_duration_seconds"); n != 0 {
		t.Errorf("latency series = %d before any request, want none (a quantile of nothing is NaN)", n)
	}
}
