package webhook

import (
	"context"
	"net/http"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
)

// Options configures the admission handlers.
type Options struct {
	// Guard is who may delete which Node.
	Guard NodeGuard
	// Catalogue is the cached VPSie catalogue; nil (or one not loaded yet) admits
	// offerings and datacenters unchecked, with a warning.
	Catalogue Catalogue
	// MaxInFlight caps the requests decoded at once, so memory stays bounded
	// (MaxInFlight × MaxBodyBytes of bodies) however many clients connect. 0 means 64.
	MaxInFlight int
	// Metrics counts requests, decisions and refusals; nil records nothing.
	Metrics *Metrics
}

// NewHandler routes the admission paths. It is the whole HTTP side of the
// server without TLS, so tests, the fuzzer and the benchmark drive it directly.
func NewHandler(o Options) http.Handler {
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 64
	}
	v := &validator{catalogue: o.Catalogue, autoscalerUser: o.Guard.AutoscalerUser}
	routes := map[string]AdmitFunc{
		PathValidateNode:      o.Guard.Admit,
		PathValidateNodeGroup: v.admitNodeGroup,
		PathDefaultNodeGroup:  defaultNodeGroup,
		PathValidateVPSieNode: v.admitVPSieNode,
	}
	o.Metrics.routesSeen(routes)
	slots := make(chan struct{}, o.MaxInFlight)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimSuffix(r.URL.Path, "/")
		admit, ok := routes[path]
		o.Metrics.instrument(routeName(path, ok), func(w http.ResponseWriter, decided func(*admissionv1.AdmissionResponse)) {
			if !ok {
				httpError(w, http.StatusNotFound, "no admission webhook at "+r.URL.Path)
				return
			}
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-r.Context().Done():
				httpError(w, http.StatusServiceUnavailable, "server busy")
				return
			}
			serveReview(w, r, func(ctx context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
				resp := admit(ctx, req)
				decided(resp)
				return resp
			})
		}, w)
	})
}
