package vpsiesim

import (
	"context"
	"net/http"
	"time"
)

// Call is one API request as the simulator answered it. Bodies are never recorded; Hostname and VM are filled
// for calls about one VM so tests can count creates per hostname.
type Call struct {
	Time     time.Time `json:"time"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Op       string    `json:"op"`
	Shape    string    `json:"shape"`
	Status   int       `json:"status"`
	Hostname string    `json:"hostname,omitempty"`
	VM       string    `json:"vm,omitempty"`
	Duration Duration  `json:"duration"`
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

type callKey struct{}

// noteCall lets a handler attach the hostname and VM of the request to its Call.
func noteCall(r *http.Request, hostname, vm string) {
	if c, ok := r.Context().Value(callKey{}).(*Call); ok {
		c.Hostname, c.VM = hostname, vm
	}
}

// record wraps an API handler so its call is logged and counted once it is answered.
func (s *Simulator) record(op string, sh shape, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		c := &Call{Time: s.clock.Now(), Method: r.Method, Path: r.URL.Path, Op: op, Shape: string(sh)}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
		c.Status, c.Duration = rec.status, Duration(time.Since(start))
		s.mu.Lock()
		s.counts[op]++
		s.dirty = true // call counts are persisted, so even a read-only call is a change
		s.calls = append(s.calls, *c)
		// Trim in batches so a full log does not copy itself on every call.
		if limit := s.cfg.MaxCalls; limit > 0 && len(s.calls) > limit+limit/10 {
			s.calls = append([]Call(nil), s.calls[len(s.calls)-limit:]...)
		}
		s.mu.Unlock()
		s.log.Debug("api call", "op", op, "method", r.Method, "path", r.URL.Path, "status", c.Status,
			"hostname", c.Hostname, "vps", c.VM, "duration", time.Since(start))
	})
}
