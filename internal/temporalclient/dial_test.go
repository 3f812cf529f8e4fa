package temporalclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// frontend is the one RPC Dial makes, served over real TLS so the test exercises the
// handshake and the headers exactly as a Temporal cluster would see them.
type frontend struct {
	workflowservice.UnimplementedWorkflowServiceServer
	mu            sync.Mutex
	authorization string
	clientCN      string
}

func (f *frontend) GetSystemInfo(ctx context.Context, _ *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		f.authorization = strings.Join(md.Get("authorization"), ",")
	}
	if p, ok := peer.FromContext(ctx); ok {
		if info, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(info.State.PeerCertificates) > 0 {
			f.clientCN = info.State.PeerCertificates[0].Subject.CommonName
		}
	}
	return &workflowservice.GetSystemInfoResponse{}, nil
}

func serveFrontend(t *testing.T, pki testPKI, clientAuth tls.ClientAuthType) (*frontend, string) {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(pki.serverCert, pki.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(pki.caFile)
	if err != nil {
		t.Fatal(err)
	}
	clientCAs := x509.NewCertPool()
	clientCAs.AppendCertsFromPEM(caPEM)
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   clientAuth,
		ClientCAs:    clientCAs,
		MinVersion:   tls.VersionTLS12,
	})))
	f := &frontend{}
	workflowservice.RegisterWorkflowServiceServer(srv, f)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	return f, l.Addr().String()
}

func TestTemporalDialOverTLS(t *testing.T) {
	pki := newTestPKI(t)
	apiKey := writeFile(t, "apikey", "secret-key")

	tests := []struct {
		name       string
		clientAuth tls.ClientAuthType
		tls        TLSOptions
		apiKeyFile string
		wantErr    bool
		wantAuth   string
		wantCN     string
	}{
		{
			name:       "mtls presents the client certificate",
			clientAuth: tls.RequireAndVerifyClientCert,
			tls:        TLSOptions{Enabled: true, CAFile: pki.caFile, CertFile: pki.clientCert, KeyFile: pki.clientKey, ServerName: testServerName},
			wantCN:     "autoscaler",
		},
		{
			name:       "api key travels as a bearer token over tls",
			clientAuth: tls.NoClientCert,
			tls:        TLSOptions{Enabled: true, CAFile: pki.caFile, ServerName: testServerName},
			apiKeyFile: apiKey,
			wantAuth:   "Bearer secret-key",
		},
		{
			name:       "server that requires a client certificate rejects a client without one",
			clientAuth: tls.RequireAndVerifyClientCert,
			tls:        TLSOptions{Enabled: true, CAFile: pki.caFile, ServerName: testServerName},
			wantErr:    true,
		},
		{
			name:       "server certificate not issued for the expected name is rejected",
			clientAuth: tls.NoClientCert,
			tls:        TLSOptions{Enabled: true, CAFile: pki.caFile, ServerName: "other.test"},
			wantErr:    true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, addr := serveFrontend(t, pki, tt.clientAuth)
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()

			c, err := Dial(ctx, Options{Address: addr, TLS: tt.tls, APIKeyFile: tt.apiKeyFile})
			if tt.wantErr {
				if err == nil {
					c.Close()
					t.Fatal("dial succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			c.Close()
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.authorization != tt.wantAuth || f.clientCN != tt.wantCN {
				t.Errorf("server saw authorization %q and client CN %q; want %q and %q",
					f.authorization, f.clientCN, tt.wantAuth, tt.wantCN)
			}
		})
	}
}
