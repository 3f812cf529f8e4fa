package vpsie_test

import (
	"crypto/tls"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestTLSVerificationAndMinimumVersion(t *testing.T) {
	sim, err := vpsiesim.New(vpsiesim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	quiet := log.New(io.Discard, "", 0) // the refused handshakes are expected
	modern := httptest.NewUnstartedServer(sim.Handler())
	modern.Config.ErrorLog = quiet
	modern.StartTLS()
	defer modern.Close()
	legacy := httptest.NewUnstartedServer(sim.Handler())
	legacy.Config.ErrorLog = quiet
	legacy.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	legacy.StartTLS()
	defer legacy.Close()

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, certPEM(modern), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		srv    *httptest.Server
		caPEM  []byte
		caFile string
		errHas string // "" means the call succeeds
	}{
		{"self-signed server without the CA is refused", modern, nil, "", "certificate"},
		{"self-signed server with the CA as PEM bytes is accepted", modern, certPEM(modern), "", ""},
		{"self-signed server with the CA as a file is accepted", modern, nil, caFile, ""},
		{"TLS 1.1-only server is refused even with its CA", legacy, certPEM(legacy), "", "protocol version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := clientOptions(vpsie.ShapeA, tt.srv, vpsiesim.DefaultClientID, vpsiesim.DefaultClientSecret)
			opts.CACertPEM, opts.CACertFile = tt.caPEM, tt.caFile
			c, err := vpsie.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListDatacenters(t.Context())
			if tt.errHas == "" && err != nil || tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)) {
				t.Fatalf("err = %v, want %q", err, tt.errHas)
			}
		})
	}
}

func TestPlainHTTPNeedsExplicitOptIn(t *testing.T) {
	sim, err := vpsiesim.New(vpsiesim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	opts := clientOptions(vpsie.ShapeB, srv, vpsiesim.DefaultClientID, vpsiesim.DefaultClientSecret)
	if _, err := vpsie.New(opts); err == nil {
		t.Fatal("an http:// base URL was accepted without AllowPlainHTTP")
	}
	opts.AllowPlainHTTP = true
	c, err := vpsie.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListDatacenters(t.Context()); err != nil {
		t.Fatalf("plain HTTP with opt-in: %v", err)
	}
}
