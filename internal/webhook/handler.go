package webhook

import (
	"net/http"
	"strings"
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
	slots := make(chan struct{}, o.MaxInFlight)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		admit, ok := routes[strings.TrimSuffix(r.URL.Path, "/")]
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
		serveReview(w, r, admit)
	})
}
