package temporalclient

import (
	"crypto/tls"
	"strings"
	"testing"
)

func TestTemporalClientOptions(t *testing.T) {
	pki := newTestPKI(t)
	apiKey := writeFile(t, "apikey", "secret-key\n")
	notPEM := writeFile(t, "ca.pem", "not a certificate")
	emptyKey := writeFile(t, "empty", "  \n")

	tests := []struct {
		name    string
		opts    Options
		wantErr string
		check   func(t *testing.T, tlsCfg *tls.Config, hasCredentials bool)
	}{
		{
			name: "plaintext without tls or credentials",
			opts: Options{Address: "127.0.0.1:7233"},
			check: func(t *testing.T, tlsCfg *tls.Config, hasCredentials bool) {
				if tlsCfg != nil || hasCredentials {
					t.Errorf("tls = %v, credentials = %v; want neither", tlsCfg, hasCredentials)
				}
			},
		},
		{
			name: "tls with system roots when no ca file is given",
			opts: Options{Address: "x:7233", TLS: TLSOptions{Enabled: true}},
			check: func(t *testing.T, tlsCfg *tls.Config, _ bool) {
				if tlsCfg == nil || tlsCfg.RootCAs != nil || tlsCfg.GetClientCertificate != nil {
					t.Errorf("tls = %+v, want system roots and no client certificate", tlsCfg)
				}
			},
		},
		{
			name: "mtls with ca, client certificate and server name",
			opts: Options{Address: "x:7233", TLS: TLSOptions{
				Enabled: true, CAFile: pki.caFile, CertFile: pki.clientCert, KeyFile: pki.clientKey, ServerName: testServerName,
			}},
			check: func(t *testing.T, tlsCfg *tls.Config, _ bool) {
				if tlsCfg.RootCAs == nil || tlsCfg.ServerName != testServerName {
					t.Errorf("tls = %+v, want ca pool and server name", tlsCfg)
				}
				cert, err := tlsCfg.GetClientCertificate(nil)
				if err != nil || len(cert.Certificate) == 0 {
					t.Errorf("client certificate = %v, %v", cert, err)
				}
			},
		},
		{
			name: "api key file adds credentials",
			opts: Options{Address: "x:7233", APIKeyFile: apiKey},
			check: func(t *testing.T, _ *tls.Config, hasCredentials bool) {
				if !hasCredentials {
					t.Error("credentials missing")
				}
			},
		},
		{name: "address is required", opts: Options{}, wantErr: "address is required"},
		{
			name:    "certificate files without tls enabled",
			opts:    Options{Address: "x:7233", TLS: TLSOptions{CAFile: pki.caFile}},
			wantErr: "tls is not enabled",
		},
		{
			name:    "certificate without key",
			opts:    Options{Address: "x:7233", TLS: TLSOptions{Enabled: true, CertFile: pki.clientCert}},
			wantErr: "set together",
		},
		{
			name:    "missing ca file",
			opts:    Options{Address: "x:7233", TLS: TLSOptions{Enabled: true, CAFile: pki.caFile + ".missing"}},
			wantErr: "reading tls ca file",
		},
		{
			name:    "ca file without certificates",
			opts:    Options{Address: "x:7233", TLS: TLSOptions{Enabled: true, CAFile: notPEM}},
			wantErr: "holds no PEM certificate",
		},
		{
			name: "key that does not match the certificate",
			opts: Options{Address: "x:7233", TLS: TLSOptions{
				Enabled: true, CertFile: pki.clientCert, KeyFile: pki.serverKey,
			}},
			wantErr: "loading tls client certificate",
		},
		{
			name:    "missing api key file",
			opts:    Options{Address: "x:7233", APIKeyFile: apiKey + ".missing"},
			wantErr: "reading temporal api key file",
		},
		{
			name:    "empty api key file",
			opts:    Options{Address: "x:7233", APIKeyFile: emptyKey},
			wantErr: "is empty",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ClientOptions(tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got.Namespace != DefaultNamespace || got.Identity == "" || got.Logger == nil {
				t.Errorf("defaults not applied: namespace %q identity %q logger %v", got.Namespace, got.Identity, got.Logger)
			}
			tt.check(t, got.ConnectionOptions.TLS, got.Credentials != nil)
		})
	}
}

func TestTemporalAPIKeyErrorsNeverContainTheKey(t *testing.T) {
	path := writeFile(t, "apikey", "secret-key")
	key, err := newAPIKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	writeFileAt(t, path, "", 1)
	_, err = key.get(t.Context())
	if err == nil || strings.Contains(err.Error(), "secret-key") {
		t.Fatalf("error = %v, want an error without the key", err)
	}
}
