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
	OpListDatacenters, OpListImages, OpK8sNodeGroups, OpK8sClusterInfo, OpK8sAddWorker, OpK8sDeleteWorker}

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
	a := s.shapeRoutes(encodingA, vpsieapi.PrefixA,
		commonPaths{vms: vpsieapi.PathAVMs, vm: vpsieapi.PathAVM, datacenters: vpsieapi.PathADatacenter,
			images: vpsieapi.PathAImages},
		route{method: "POST", path: vpsieapi.PathALogin, op: OpLogin, public: true, handler: s.loginA},
		route{method: "DELETE", path: vpsieapi.PathAVM, op: OpDeleteVM, handler: s.deleteVMA},
		route{method: "POST", path: vpsieapi.PathAVMAction, op: OpVMAction, handler: s.vmActionA},
		route{method: "GET", path: vpsieapi.PathAOfferings, op: OpListOfferings, handler: s.listOfferingsA()},
		route{method: "GET", path: vpsieapi.PathAOffering, op: OpGetOffering, handler: s.getOfferingA})
	b := s.shapeRoutes(encodingB, "",
		commonPaths{vms: vpsieapi.PathBVMs, vm: vpsieapi.PathBVM, datacenters: vpsieapi.PathBDatacenters,
			images: vpsieapi.PathBImages},
		route{method: "POST", path: vpsieapi.PathBLogin, op: OpLogin, public: true, handler: s.loginB},
		route{method: "DELETE", path: vpsieapi.PathBVMs, op: OpDeleteVM, handler: s.deleteVMB},
		route{method: "GET", path: vpsieapi.PathBResources, op: OpListOfferings, handler: s.listOfferingsB()},
		route{method: "POST", path: vpsieapi.PathBResources, op: OpListOfferings, handler: s.listOfferingsB()})
	a = append(a, s.k8sRoutes(vpsieapi.PrefixA, shapeA)...)
	b = append(b, s.k8sRoutes(vpsieapi.PrefixBK8s, shapeB)...)
	return append(a, b...)
}

// commonPaths are where one shape serves the endpoints both shapes have.
type commonPaths struct{ vms, vm, datacenters, images string }

// shapeRoutes lists one shape's endpoints: those both shapes have, served by the shared handlers at p, then the
// shape's own. Every path gets prefix.
func (s *Simulator) shapeRoutes(enc encoding, prefix string, p commonPaths, own ...route) []route {
	rts := append([]route{
		{method: "GET", path: p.vms, op: OpListVMs, handler: s.handleListVMs(enc)},
		{method: "POST", path: p.vms, op: OpCreateVM, handler: s.handleCreateVM(enc)},
		{method: "GET", path: p.vm, op: OpGetVM, handler: s.handleGetVM(enc)},
		{method: "GET", path: p.datacenters, op: OpListDatacenters, handler: s.handleListDatacenters(enc)},
		{method: "GET", path: p.images, op: OpListImages, handler: s.handleListImages(enc)},
	}, own...)
	for i := range rts {
		rts[i].path, rts[i].shape = prefix+rts[i].path, enc.shape
	}
	return rts
}

// APIHandler serves both VPSie API shapes (no admin endpoints). Each request is recorded, then faults are
// injected, then the token is checked (in the shape's own header), then the operation runs (and, for a lost
// response, its answer is dropped). A path neither shape has is a plain-text 404 without a VPSie error body,
// as from any web server, so a client can tell "no such route" from "no such VM".
func (s *Simulator) APIHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		op := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !rt.public {
				if aerr := s.authenticate(r, rt.shape); aerr != nil {
					writeError(w, aerr)
					return
				}
			}
			rt.handler(w, r)
		})
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch answered, lose := s.injectFaults(w, r, rt.op); {
			case answered:
			case lose:
				loseResponse(w, r, op)
			default:
				op(w, r)
			}
		})
		mux.Handle(rt.method+" "+rt.path, s.record(rt.op, rt.shape, h))
	}
	mux.Handle("/", s.record(OpUnknown, "", http.HandlerFunc(http.NotFound)))
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
