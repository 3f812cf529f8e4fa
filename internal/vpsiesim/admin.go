package vpsiesim

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// HeaderAdminToken carries Config.AdminToken to /admin endpoints when one is configured.
const HeaderAdminToken = "X-Admin-Token"

// AdminHandler serves the admin endpoints. They need no VPSie token; restrict them with Config.AdminToken or by
// serving this handler on its own loopback listener (vpsie-sim --admin-listen).
//
//	GET  /admin/state                 State
//	GET  /admin/faults, PUT           Faults
//	GET  /admin/capacity, PUT         map[datacenter]Capacity
//	GET  /admin/realism, PUT, PATCH   Realism; PUT replaces every knob, PATCH only those in the body
//	POST /admin/vms/{id}/interrupt    optional body {"notice":"30s"}; only running spot VMs
//	POST /admin/reset                 forget VMs, deleted VMs, tokens and calls; faults, capacity, realism from Config
func (s *Simulator) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/state", serveGet(s.Snapshot))
	mux.HandleFunc("GET /admin/faults", serveGet(s.Faults))
	mux.HandleFunc("PUT /admin/faults", servePut("faults", s.SetFaults, s.Faults))
	mux.HandleFunc("GET /admin/capacity", serveGet(s.Capacity))
	mux.HandleFunc("PUT /admin/capacity", servePut("capacity", s.SetCapacity, s.Capacity))
	mux.HandleFunc("GET /admin/realism", serveGet(s.Realism))
	mux.HandleFunc("PUT /admin/realism", servePut("realism", s.SetRealism, s.Realism))
	mux.HandleFunc("PATCH /admin/realism", serveSet("realism", s.Realism, s.SetRealism, s.Realism))
	mux.HandleFunc("POST /admin/vms/{id}/interrupt", s.interrupt)
	mux.HandleFunc("POST /admin/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		writeJSON(w, http.StatusOK, ok(true))
	})
	mux.HandleFunc("/", http.NotFound) // like the API: an unknown route has no error envelope
	return s.adminAuth(mux)
}

func (s *Simulator) adminAuth(next http.Handler) http.Handler {
	if s.cfg.AdminToken == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(HeaderAdminToken)), []byte(s.cfg.AdminToken)) != 1 {
			writeError(w, errUnauthorized(vpsieapi.ReasonUnauthorized, "admin token required"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serveGet answers with what get returns.
func serveGet[T any](get func() T) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, get()) }
}

// servePut replaces the value with the body (see serveSet).
func servePut[T any](field string, set func(T) error, get func() T) http.HandlerFunc {
	return serveSet(field, func() (zero T) { return zero }, set, get)
}

// serveSet decodes the body over what start returns, applies it with set and answers with what get returns
// after; a body that does not decode or that set rejects is a validation error on field, with the reason (admin
// bodies hold no secrets).
func serveSet[T any](field string, start func() T, set func(T) error, get func() T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := start()
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&v); err != nil {
			writeError(w, errValidation(field, "%v", err))
			return
		}
		if err := set(v); err != nil {
			writeError(w, errValidation(field, "%v", err))
			return
		}
		writeJSON(w, http.StatusOK, get())
	}
}

func (s *Simulator) interrupt(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Notice Duration `json:"notice"`
	}
	if r.ContentLength != 0 {
		if aerr := decodeJSON(r, &body); aerr != nil {
			writeError(w, aerr)
			return
		}
	}
	vm, err := s.Interrupt(r.PathValue("id"), body.Notice.D())
	if aerr := (*apiError)(nil); errors.As(err, &aerr) {
		writeError(w, aerr)
		return
	}
	s.changed()
	writeJSON(w, http.StatusOK, ok(vm))
}

// SetCapacity replaces the per-datacenter limits (same as PUT /admin/capacity). VMs already running stay.
func (s *Simulator) SetCapacity(c map[string]Capacity) error {
	norm, err := s.cfg.Catalogue.normalizeCapacity(c)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.capacity = norm
	return nil
}

// Capacity returns the per-datacenter limits.
func (s *Simulator) Capacity() map[string]Capacity {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.capacity)
}

// SetBootDelay changes how long VMs created from now on stay "creating" (a benchmark
// that measures the autoscaler alone boots instantly).
func (s *Simulator) SetBootDelay(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("boot delay %s is negative", d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.BootDelay = d
	return nil
}
