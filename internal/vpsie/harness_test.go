package vpsie_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// awkwardSecret has every character a hand-built form body gets wrong.
const awkwardSecret = "p&ss=w+rd% 20/?#ü密码 end"

var shapes = []vpsie.Shape{vpsie.ShapeA, vpsie.ShapeB}

// inEachShape runs test once per API shape, as a subtest with its own env built from cfg in that shape.
func inEachShape(t *testing.T, cfg envConfig, test func(t *testing.T, e *env)) {
	for _, shape := range shapes {
		t.Run("shape "+shape.String(), func(t *testing.T) {
			cfg.shape = shape
			test(t, newEnv(t, cfg))
		})
	}
}

// env is one simulator behind a real TLS listener and one client talking to it, with the client's logs and
// metrics captured. At cleanup it fails the test if the secret or any token issued appears in the logs, the
// metrics or any error the test passed to env.errs.
type env struct {
	t      testing.TB
	sim    *vpsiesim.Simulator
	srv    *httptest.Server
	client *vpsie.Client
	opts   vpsie.Options
	logs   *syncBuffer
	reg    *prometheus.Registry
	seen   *secretsSeen
	errs   []error
}

type envConfig struct {
	shape  vpsie.Shape
	sim    func(*vpsiesim.Config)
	client func(*vpsie.Options)
	// wrap sits between the listener and the simulator, for what the simulator cannot do (e.g. stall
	// mid-body); it must forward to next.
	wrap func(next http.Handler) http.Handler
}

func newEnv(t testing.TB, cfg envConfig) *env {
	t.Helper()
	simCfg := vpsiesim.DefaultConfig()
	simCfg.ClientSecret = awkwardSecret
	simCfg.BootDelay, simCfg.DeleteDelay = 50*time.Millisecond, 50*time.Millisecond
	simCfg.TickInterval = 10 * time.Millisecond
	simCfg.Logger = slog.New(slog.DiscardHandler)
	if cfg.sim != nil {
		cfg.sim(&simCfg)
	}
	sim, err := vpsiesim.New(simCfg)
	if err != nil {
		t.Fatalf("starting simulator: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() { defer close(runDone); _ = sim.Run(ctx) }()

	seen := &secretsSeen{values: map[string]bool{awkwardSecret: true}}
	var h http.Handler = sim.Handler()
	if cfg.wrap != nil {
		h = cfg.wrap(h)
	}
	srv := httptest.NewUnstartedServer(seen.observe(h))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut short at cleanup are expected
	srv.StartTLS()

	e := &env{t: t, sim: sim, srv: srv, logs: &syncBuffer{}, reg: prometheus.NewRegistry(), seen: seen}
	e.opts = clientOptions(cfg.shape, srv, simCfg.ClientID, awkwardSecret)
	e.opts.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.opts.Registerer = e.reg
	if cfg.client != nil {
		cfg.client(&e.opts)
	}
	e.client, err = vpsie.New(e.opts)
	if err != nil {
		t.Fatalf("building client: %v", err)
	}
	t.Cleanup(func() {
		cancel() // stops the simulator first: it releases requests it holds in an injected hang
		<-runDone
		srv.Close()
		e.checkNoSecrets()
	})
	return e
}

// clientOptions are fast test defaults: a generous rate limit.
func clientOptions(shape vpsie.Shape, srv *httptest.Server, id, secret string) vpsie.Options {
	base := srv.URL
	if shape == vpsie.ShapeA {
		base += vpsieapi.PrefixA
	}
	return vpsie.Options{
		Shape:       shape,
		BaseURL:     base,
		Credentials: vpsie.Credentials{ClientID: id, ClientSecret: vpsie.Secret(secret)},
		CACertPEM:   certPEM(srv),
		Timeout:     10 * time.Second,
		RateLimit:   60000,
		RateBurst:   100,
	}
}

// ctx is a per-call context generous enough for a loaded machine.
func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// check records err for the leak check and returns it.
func (e *env) check(err error) error {
	if err != nil {
		e.errs = append(e.errs, err)
	}
	return err
}

func (e *env) must(err error) {
	e.t.Helper()
	if e.check(err) != nil {
		e.t.Fatalf("unexpected error: %v", err)
	}
}

// metricsText is the registry gathered into the Prometheus text format.
func (e *env) metricsText() string {
	e.t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		e.t.Fatalf("gathering metrics: %v", err)
	}
	var buf bytes.Buffer
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&buf, mf); err != nil {
			e.t.Fatalf("encoding metrics: %v", err)
		}
	}
	return buf.String()
}

func (e *env) checkNoSecrets() {
	e.t.Helper()
	logs, metrics := e.logs.String(), e.metricsText()
	for _, s := range e.seen.list() {
		if strings.Contains(logs, s) {
			e.t.Errorf("a secret or token appears in the client logs")
		}
		if strings.Contains(metrics, s) {
			e.t.Errorf("a secret or token appears in the metrics")
		}
		for _, err := range e.errs {
			if strings.Contains(err.Error(), s) {
				e.t.Errorf("a secret or token appears in error %q", "(redacted here)")
			}
		}
	}
}

// calls returns the simulator's call log for one operation.
func (e *env) calls(op string) []vpsiesim.Call {
	var out []vpsiesim.Call
	for _, c := range e.sim.Snapshot().Calls {
		if c.Op == op {
			out = append(out, c)
		}
	}
	return out
}

// secretsSeen records every token the simulator hands out or receives, so the leak check knows what to look for.
type secretsSeen struct {
	mu     sync.Mutex
	values map[string]bool
}

func (s *secretsSeen) add(v string) {
	if len(v) < 8 { // empty or trivial values would match anything
		return
	}
	s.mu.Lock()
	s.values[v] = true
	s.mu.Unlock()
}

func (s *secretsSeen) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.values))
	for v := range s.values {
		out = append(out, v)
	}
	return out
}

// observe forwards to next unchanged, noting auth headers and the tokens in login responses.
func (s *secretsSeen) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.add(r.Header.Get(vpsieapi.HeaderVpsieAuth))
		s.add(strings.TrimPrefix(r.Header.Get(vpsieapi.HeaderAuthorization), vpsieapi.BearerPrefix))
		if !strings.HasSuffix(r.URL.Path, "/auth/from/api") {
			next.ServeHTTP(w, r)
			return
		}
		rec := &teeWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		var resp struct {
			vpsieapi.LoginResponseA
			Token vpsieapi.TokenPair `json:"token"`
		}
		if json.Unmarshal(rec.body.Bytes(), &resp) == nil {
			for _, t := range []vpsieapi.Token{resp.AccessToken, resp.RefreshToken, resp.Token.Access,
				resp.Token.Refresh} {
				s.add(t.Token)
			}
		}
	})
}

type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var _ io.Writer = (*syncBuffer)(nil)

func certPEM(srv *httptest.Server) []byte {
	if srv.TLS == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

// eventually polls cond until it holds or a generous deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
