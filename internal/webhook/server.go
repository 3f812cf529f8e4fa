package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
)

// Timeouts of the server. The apiserver gives a webhook at most 30 s
// (timeoutSeconds), and our configurations ask for 10 s or less.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 15 * time.Second
	idleTimeout       = 90 * time.Second
	maxHeaderBytes    = 32 << 10
)

// ServerOptions configures the TLS server.
type ServerOptions struct {
	// Addr is host:port to listen on; ":9443" listens on every interface.
	Addr string
	// CertDir holds tls.crt and tls.key, as a mounted kubernetes.io/tls Secret does.
	CertDir string
	// CertPoll is how often the files are read again besides filesystem events
	// (a Secret update swaps a symlink, which not every platform reports). 0 means 10s.
	CertPoll time.Duration
	Logger   logr.Logger
	Options
}

// Server serves the admission webhooks over TLS. It is a controller-runtime
// Runnable that runs on every replica, leader or not, because the apiserver
// calls whichever replica its Service picks.
type Server struct {
	opts    ServerOptions
	certs   *certwatcher.CertWatcher
	handler http.Handler
}

// NewServer reads the serving certificate once, so a missing or broken one fails
// at start-up instead of at the first admission request.
func NewServer(o ServerOptions) (*Server, error) {
	cw, err := certwatcher.New(filepath.Join(o.CertDir, "tls.crt"), filepath.Join(o.CertDir, "tls.key"))
	if err != nil {
		return nil, fmt.Errorf("reading the webhook serving certificate from %s: %w", o.CertDir, err)
	}
	if o.CertPoll > 0 {
		cw = cw.WithWatchInterval(o.CertPoll)
	}
	return &Server{opts: o, certs: cw, handler: NewHandler(o.Options)}, nil
}

// NeedLeaderElection is false: every replica answers admission requests.
func (s *Server) NeedLeaderElection() bool { return false }

// Start listens on Addr and serves until ctx is cancelled.
func (s *Server) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("webhook server listening on %s: %w", s.opts.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watchDone := make(chan error, 1)
	go func() { watchDone <- s.certs.Start(ctx) }()
	srv := s.httpServer()
	serveDone := make(chan error, 1)
	go func() { serveDone <- srv.Serve(tls.NewListener(ln, srv.TLSConfig)) }()
	s.opts.Logger.Info("serving admission webhooks", "addr", ln.Addr().String(), "certDir", s.opts.CertDir)
	var err error
	select {
	case err = <-serveDone:
		cancel()
	case <-ctx.Done():
		shutdown, stop := context.WithTimeout(context.Background(), writeTimeout)
		defer stop()
		err = srv.Shutdown(shutdown)
		<-serveDone
	}
	if werr := <-watchDone; werr != nil && !errors.Is(werr, context.Canceled) {
		err = errors.Join(err, fmt.Errorf("watching the serving certificate: %w", werr))
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// httpServer bounds every phase of a request, so a slow or idle client cannot
// hold a connection (and its memory) open.
func (s *Server) httpServer() *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: s.certs.GetCertificate},
		ErrorLog:          log.New(debugWriter{s.opts.Logger.V(1)}, "", 0),
	}
}

// debugWriter turns the HTTP server's own messages (TLS handshake errors from
// scanners and old clients) into debug logs instead of lines on stderr.
type debugWriter struct{ log logr.Logger }

func (w debugWriter) Write(p []byte) (int, error) {
	w.log.Info("webhook server", "message", strings.TrimSpace(string(p)))
	return len(p), nil
}
