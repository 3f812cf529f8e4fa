package vpsiesim

import (
	"net/http"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Operations: the shape-independent names used for fault injection and call counts.
const (
	OpLogin           = "login"
	OpListVMs         = "list_vms"
	OpGetVM           = "get_vm"
	OpCreateVM        = "create_vm"
	OpDeleteVM        = "delete_vm"
	OpVMAction        = "vm_action"
	OpListOfferings   = "list_offerings"
	OpGetOffering     = "get_offering"
	OpListDatacenters = "list_datacenters"
	OpListImages      = "list_images"
	// OpUnknown counts requests to paths neither shape has (a client using the wrong path shows up here).
	OpUnknown = "unknown"
)

var ops = []string{OpLogin, OpListVMs, OpGetVM, OpCreateVM, OpDeleteVM, OpVMAction, OpListOfferings, OpGetOffering,
	OpListDatacenters, OpListImages}

func knownOp(op string) bool {
	for _, o := range ops {
		if o == op {
			return true
		}
	}
	return false
}

// route is one API endpoint.
type route struct {
	method, path, op string
	shape            shape
	public           bool // no token needed (login)
	handler          http.HandlerFunc
}

func (s *Simulator) routes() []route {
	a := func(method, path, op string, h http.HandlerFunc) route {
		return route{method: method, path: vpsieapi.PrefixA + path, op: op, shape: shapeA, handler: h}
	}
	b := func(method, path, op string, h http.HandlerFunc) route {
		return route{method: method, path: path, op: op, shape: shapeB, handler: h}
	}
	loginA, loginB := a("POST", vpsieapi.PathALogin, OpLogin, s.loginA), b("POST", vpsieapi.PathBLogin, OpLogin, s.loginB)
	loginA.public, loginB.public = true, true
	return []route{
		loginA,
		a("GET", vpsieapi.PathAVMs, OpListVMs, s.listVMsA),
		a("POST", vpsieapi.PathAVMs, OpCreateVM, s.createVMA),
		a("GET", vpsieapi.PathAVM, OpGetVM, s.getVMA),
		a("DELETE", vpsieapi.PathAVM, OpDeleteVM, s.deleteVMA),
		a("POST", vpsieapi.PathAVMAction, OpVMAction, s.vmActionA),
		a("GET", vpsieapi.PathAOfferings, OpListOfferings, s.listOfferingsA),
		a("GET", vpsieapi.PathAOffering, OpGetOffering, s.getOfferingA),
		a("GET", vpsieapi.PathADatacenter, OpListDatacenters, s.listDatacentersA),
		a("GET", vpsieapi.PathAImages, OpListImages, s.listImagesA),
		loginB,
		b("GET", vpsieapi.PathBVMs, OpListVMs, s.listVMsB),
		b("POST", vpsieapi.PathBVMs, OpCreateVM, s.createVMB),
		b("DELETE", vpsieapi.PathBVMs, OpDeleteVM, s.deleteVMB),
		b("GET", vpsieapi.PathBVM, OpGetVM, s.getVMB),
		b("GET", vpsieapi.PathBDatacenters, OpListDatacenters, s.listDatacentersB),
		b("GET", vpsieapi.PathBResources, OpListOfferings, s.listOfferingsB),
		b("POST", vpsieapi.PathBResources, OpListOfferings, s.listOfferingsB),
		b("GET", vpsieapi.PathBImages, OpListImages, s.listImagesB),
	}
}

// APIHandler serves both VPSie API shapes (no admin endpoints). Each request is recorded, then faults are
// injected, then the token is checked, then the operation runs.
func (s *Simulator) APIHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !s.injectFaults(w, r, rt.op) {
				return
			}
			if !rt.public {
				if aerr := s.authenticate(r); aerr != nil {
					writeError(w, aerr)
					return
				}
			}
			rt.handler(w, r)
		})
		mux.Handle(rt.method+" "+rt.path, s.record(rt.op, rt.shape, h))
	}
	mux.Handle("/", s.record(OpUnknown, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errNotFound("path", r.URL.Path))
	})))
	return mux
}

// Handler serves the API, the admin endpoints under /admin/ and /healthz on one listener.
func (s *Simulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", s.APIHandler())
	mux.Handle("/admin/", s.AdminHandler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	return mux
}
