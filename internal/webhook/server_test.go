package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"math/big"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/vpsie/vpsie-autoscaler/internal/webhook/selfsigned"
)

// startServer serves on a loopback port with a fresh CA until the test ends.
func startServer(t testing.TB) (addr string, ca *selfsigned.CA, dir string) {
	t.Helper()
	dir = t.TempDir()
	ca, err := selfsigned.NewCA("webhook-test-ca")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.WriteServing(dir, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(ServerOptions{CertDir: dir, CertPoll: 100 * time.Millisecond, Logger: logr.Discard()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String(), ca, dir
}

func client(ca *selfsigned.CA, maxVersion uint16) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.PEM)
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: maxVersion}, DisableKeepAlives: true}}
}

func TestServerSpeaksTLS12AndNewerOnly(t *testing.T) {
	addr, ca, _ := startServer(t)
	body := reviewBody(t, admissionv1.Delete, "u", nil, nil, node("n", map[string]string{"autoscaler.vpsie.com/managed": "true"}))
	tests := []struct {
		name    string
		version uint16
		ok      bool
	}{
		{"TLS 1.3 is served", tls.VersionTLS13, true},
		{"TLS 1.2 is served", tls.VersionTLS12, true},
		{"TLS 1.1 is refused", tls.VersionTLS11, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client(ca, tt.version)
			c.Transport.(*http.Transport).TLSClientConfig.MinVersion = tls.VersionTLS10
			resp, err := c.Post("https://"+addr+PathValidateNode, "application/json", bytes.NewReader(body))
			if err == nil {
				_ = resp.Body.Close()
			}
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if tt.ok && resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
}

// A certificate rotated on disk (a renewed Secret) is served to new
// connections without restarting the server.
func TestServerServesARotatedCertificateWithoutRestart(t *testing.T) {
	addr, ca, dir := startServer(t)
	first := servedSerial(t, addr, ca)
	rotated, err := ca.WriteServing(dir, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := servedSerial(t, addr, ca)
		if got.Cmp(rotated) == 0 {
			return
		}
		if got.Cmp(first) != 0 || time.Now().After(deadline) {
			t.Fatalf("serving serial %s, want the rotated %s (first was %s)", got, rotated, first)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func servedSerial(t *testing.T, addr string, ca *selfsigned.CA) *big.Int {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.PEM)
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber
}

func TestServerRefusesToStartWithoutACertificate(t *testing.T) {
	_, err := NewServer(ServerOptions{CertDir: t.TempDir()})
	if err == nil {
		t.Fatal("started without tls.crt and tls.key")
	}
}

func TestServerBoundsEveryPhaseOfARequest(t *testing.T) {
	dir := t.TempDir()
	ca, _ := selfsigned.NewCA("ca")
	if _, err := ca.WriteServing(dir, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(ServerOptions{CertDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.httpServer()
	for name, d := range map[string]time.Duration{"read header": h.ReadHeaderTimeout, "read": h.ReadTimeout,
		"write": h.WriteTimeout, "idle": h.IdleTimeout} {
		if d <= 0 || d > 2*time.Minute {
			t.Errorf("%s timeout %s", name, d)
		}
	}
	if h.TLSConfig.MinVersion != tls.VersionTLS12 || h.MaxHeaderBytes > 64<<10 {
		t.Errorf("min TLS %x, max header bytes %d", h.TLSConfig.MinVersion, h.MaxHeaderBytes)
	}
}
