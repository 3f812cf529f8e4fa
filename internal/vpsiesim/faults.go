package vpsiesim

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Faults is what goes wrong, set by Config, SetFaults or PUT /admin/faults. Which request a rate hits is decided
// by the simulator's seeded RNG, so a sequence of requests sees the same faults on every run with the same seed.
type Faults struct {
	// Default applies to every API operation without its own entry in Endpoints.
	Default EndpointFaults `json:"default"`
	// Endpoints is keyed by operation (Op* constants, e.g. "create_vm").
	Endpoints map[string]EndpointFaults `json:"endpoints,omitempty"`
	// TokenTTL, if set, overrides Config.TokenTTL for tokens issued from now on.
	TokenTTL Duration `json:"token_ttl,omitempty"`
	// BootFailureRate is the fraction of new VMs that end "failed" instead of "running".
	BootFailureRate float64 `json:"boot_failure_rate,omitempty"`
	// FailNextBoots makes the next n new VMs fail to boot (counts down).
	FailNextBoots int `json:"fail_next_boots,omitempty"`
	// Seed, if non-zero, reseeds the RNG when these faults are set.
	Seed int64 `json:"seed,omitempty"`
}

// EndpointFaults are the faults of one operation. Rates are fractions in [0, 1], applied in this order: hang,
// rate limit, server error, lost response; Latency is added to every request first.
type EndpointFaults struct {
	ErrorRate float64 `json:"error_rate,omitempty"`
	// ErrorStatus is the 5xx status returned (default 500).
	ErrorStatus   int      `json:"error_status,omitempty"`
	RateLimitRate float64  `json:"rate_limit_rate,omitempty"`
	RetryAfter    Duration `json:"retry_after,omitempty"` // default 1s, sent in whole seconds
	Latency       Duration `json:"latency,omitempty"`
	// HangRate requests never answer until the client gives up (or MaxHang passes).
	HangRate float64 `json:"hang_rate,omitempty"`
	// LostResponseRate requests are carried out, but their answer is replaced by a 502, as when a proxy or the
	// network loses it: the client cannot tell whether a create happened.
	LostResponseRate float64 `json:"lost_response_rate,omitempty"`
}

func (f Faults) validate() error {
	check := func(name string, e EndpointFaults) error {
		for _, r := range []float64{e.ErrorRate, e.RateLimitRate, e.HangRate, e.LostResponseRate} {
			if r < 0 || r > 1 {
				return fmt.Errorf("faults %s: rates must be within [0, 1]", name)
			}
		}
		if e.ErrorStatus != 0 && (e.ErrorStatus < 500 || e.ErrorStatus > 599) {
			return fmt.Errorf("faults %s: error_status must be 5xx", name)
		}
		return nil
	}
	if err := check("default", f.Default); err != nil {
		return err
	}
	for op, e := range f.Endpoints {
		if !knownOp(op) {
			return fmt.Errorf("faults: unknown operation %q", op)
		}
		if err := check(op, e); err != nil {
			return err
		}
	}
	if f.BootFailureRate < 0 || f.BootFailureRate > 1 || f.FailNextBoots < 0 {
		return fmt.Errorf("faults: boot_failure_rate must be within [0, 1], fail_next_boots >= 0")
	}
	return nil
}

func (f Faults) forOp(op string) EndpointFaults {
	if e, ok := f.Endpoints[op]; ok {
		return e
	}
	return f.Default
}

// verdict is what the fault injector decided for one request.
type verdict struct {
	latency   time.Duration
	hang      bool
	rateLimit time.Duration // Retry-After when > 0
	errStatus int
	lose      bool // carry the request out, then answer 502
}

// decide draws the faults of one request. Every rate draws from the RNG even when zero so that enabling one fault
// does not shift which requests another hits.
func (s *Simulator) decide(op string) verdict {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.faults.forOp(op)
	hang, limit, fail := s.rng.Float64() < e.HangRate, s.rng.Float64() < e.RateLimitRate, s.rng.Float64() < e.ErrorRate
	lose := s.rng.Float64() < e.LostResponseRate
	v := verdict{latency: e.Latency.D(), hang: hang}
	switch {
	case hang:
	case limit:
		v.rateLimit = max(e.RetryAfter.D(), time.Second)
	case fail:
		v.errStatus = e.ErrorStatus
		if v.errStatus == 0 {
			v.errStatus = http.StatusInternalServerError
		}
	default:
		v.lose = lose
	}
	return v
}

// injectFaults runs before an API operation and returns the verdict's outcome: answered when it answered the
// request itself, lose when the operation must run but its answer be replaced (see loseResponse). Latency and
// hangs use wall time, not the injected clock: they are about what the client experiences.
func (s *Simulator) injectFaults(w http.ResponseWriter, r *http.Request, op string) (answered, lose bool) {
	v := s.decide(op)
	if v.latency > 0 && !s.sleep(r, v.latency) {
		writeError(w, errUnavailable("request abandoned"))
		return true, false
	}
	switch {
	case v.hang:
		s.sleep(r, s.cfg.MaxHang)
		writeError(w, &apiError{Status: http.StatusGatewayTimeout, Reason: vpsieapi.ReasonInternal,
			Message: "injected hang ended"})
		return true, false
	case v.rateLimit > 0:
		w.Header().Set(vpsieapi.HeaderRetryAfter, strconv.Itoa(int((v.rateLimit+time.Second-1)/time.Second)))
		writeError(w, &apiError{Status: http.StatusTooManyRequests, Reason: vpsieapi.ReasonRateLimited,
			Message: "too many requests"})
		return true, false
	case v.errStatus != 0:
		writeError(w, &apiError{Status: v.errStatus, Reason: vpsieapi.ReasonInternal, Message: "injected server error"})
		return true, false
	}
	return false, v.lose
}

// loseResponse carries the request out with h and throws its answer away, then answers 502 like a proxy that
// lost the upstream response.
func loseResponse(w http.ResponseWriter, r *http.Request, h http.Handler) {
	h.ServeHTTP(discardWriter{header: http.Header{}}, r)
	writeError(w, &apiError{Status: http.StatusBadGateway, Reason: vpsieapi.ReasonInternal,
		Message: "injected lost response"})
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

// sleep waits d unless the client gives up or the simulator stops first; it reports whether d passed.
func (s *Simulator) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.stopped:
	}
	return false
}

// SetFaults replaces the active faults (same as PUT /admin/faults).
func (s *Simulator) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	f.Endpoints = maps.Clone(f.Endpoints) // the caller may keep mutating its map
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	if f.Seed != 0 {
		s.rng = newRNG(f.Seed)
	}
	s.log.Info("faults set", "default_error_rate", f.Default.ErrorRate, "endpoints", len(f.Endpoints))
	return nil
}

// Faults returns the active faults.
func (s *Simulator) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// bootFails draws whether a new VM will fail to boot; callers hold s.mu.
func (s *Simulator) bootFails() bool {
	draw := s.rng.Float64() < s.faults.BootFailureRate
	if s.faults.FailNextBoots > 0 {
		s.faults.FailNextBoots--
		return true
	}
	return draw
}
