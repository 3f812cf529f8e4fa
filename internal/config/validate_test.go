package config

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/leaderelection"
)

func TestDefaultsAreValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateNamesFieldAndProblem(t *testing.T) {
	dir := t.TempDir()
	existing := writeFile(t, "ca.pem", "pem")
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string
	}{
		{"cluster name required", func(c *Config) { c.Controller.ClusterName = "" },
			[]string{"controller.clusterName: must not be empty"}},
		{"cluster name is a DNS label", func(c *Config) { c.Controller.ClusterName = strings.Repeat("a", 64) },
			[]string{`controller.clusterName: must be a DNS-1123 label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit), got "` + strings.Repeat("a", 64) + `"`}},
		{"namespace is a DNS label", func(c *Config) { c.Controller.Namespace = "kube.system" },
			[]string{`controller.namespace: must be a DNS-1123 label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit), got "kube.system"`}},
		{"leader election ID is a DNS subdomain", func(c *Config) { c.Controller.LeaderElectionID = "Leader" },
			[]string{`controller.leaderElectionID: must be a DNS-1123 subdomain (at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit), got "Leader"`}},
		{"lease must outlast renew deadline", func(c *Config) { c.Controller.LeaseDuration = 10 * time.Second },
			[]string{"controller.leaseDuration: must be greater than controller.renewDeadline (10s), got 10s"}},
		{"renew deadline must outlast retry period", func(c *Config) { c.Controller.RenewDeadline = time.Second },
			[]string{"controller.renewDeadline: must be greater than 1.2 × controller.retryPeriod (2.4s), got 1s"}},
		{"renew deadline must outlast retry period with client-go's jitter", func(c *Config) {
			c.Controller.RenewDeadline, c.Controller.RetryPeriod = 2*time.Second, 1900*time.Millisecond
		}, []string{"controller.renewDeadline: must be greater than 1.2 × controller.retryPeriod (2.28s), got 2s"}},
		{"the backoff may not start above its cap", func(c *Config) { c.ScaleUp.MinBackoff, c.ScaleUp.MaxBackoff = time.Minute, 30*time.Second },
			[]string{"scaleUp.maxBackoff: must not be shorter than scaleUp.minBackoff (1m), got 30s"}},
		{"retry period positive, reported once", func(c *Config) { c.Controller.RetryPeriod = 0 },
			[]string{"controller.retryPeriod: must be greater than 0, got 0s"}},
		{"sync period and shutdown timeout positive", func(c *Config) {
			c.Controller.SyncPeriod = -time.Minute
			c.Controller.GracefulShutdownTimeout = 0
		}, []string{"controller.syncPeriod: must be greater than 0, got -1m", "controller.gracefulShutdownTimeout: must be greater than 0, got 0s"}},
		{"kube client rate in range", func(c *Config) { c.Controller.KubeAPIQPS = 0 },
			[]string{"controller.kubeAPIQPS: must be between 1 and 10000, got 0"}},
		{"gc percent in range", func(c *Config) { c.Runtime.GCPercent = 5 },
			[]string{"runtime.gcPercent: must be between 10 and 1000, got 5"}},
		{"kube client burst at least its rate", func(c *Config) { c.Controller.KubeAPIBurst = 100 },
			[]string{"controller.kubeAPIBurst: must be at least controller.kubeAPIQPS (200), got 100"}},
		{"kubeconfig must exist", func(c *Config) { c.Controller.Kubeconfig = missing },
			[]string{`controller.kubeconfig: file "` + missing + `" does not exist`}},
		{"file fields must not be directories", func(c *Config) { c.VPSie.CAFile = dir },
			[]string{`vpsie.caFile: "` + dir + `" is a directory, want a file`}},
		{"temporal address needs host and port", func(c *Config) { c.Temporal.Address = "temporal" },
			[]string{`temporal.address: must be host:port with a port from 1 to 65535, got "temporal"`}},
		{"temporal address port in range", func(c *Config) { c.Temporal.Address = "temporal:0" },
			[]string{`temporal.address: must be host:port with a port from 1 to 65535, got "temporal:0"`}},
		{"temporal namespace and task queue required", func(c *Config) { c.Temporal.Namespace, c.Temporal.TaskQueue = "", "" },
			[]string{"temporal.namespace: must not be empty", "temporal.taskQueue: must not be empty"}},
		{"tls files need tls enabled", func(c *Config) {
			c.Temporal.TLS.CAFile, c.Temporal.TLS.ServerName, c.Temporal.APIKeyFile = existing, "temporal.example", existing
		}, []string{
			"temporal.tls.caFile: set but temporal.tls.enabled is false",
			"temporal.tls.serverName: set but temporal.tls.enabled is false",
			"temporal.apiKeyFile: requires temporal.tls.enabled: an API key must not travel in clear text",
		}},
		{"client cert needs its key", func(c *Config) { c.Temporal.TLS.Enabled, c.Temporal.TLS.CertFile = true, existing },
			[]string{"temporal.tls.keyFile: must be set together with temporal.tls.certFile"}},
		{"client key needs its cert", func(c *Config) { c.Temporal.TLS.Enabled, c.Temporal.TLS.KeyFile = true, existing },
			[]string{"temporal.tls.certFile: must be set together with temporal.tls.keyFile"}},
		{"api key file must exist", func(c *Config) { c.Temporal.TLS.Enabled, c.Temporal.APIKeyFile = true, missing },
			[]string{`temporal.apiKeyFile: file "` + missing + `" does not exist`}},
		{"base URL must be https", func(c *Config) { c.VPSie.BaseURL = "http://127.0.0.1:8443/v2" },
			[]string{`vpsie.baseURL: must use https unless vpsie.allowInsecureHTTP is true (local simulator only), got "http://127.0.0.1:8443/v2"`}},
		{"plain HTTP only to a loopback base URL", func(c *Config) {
			c.VPSie.BaseURL, c.VPSie.AllowInsecureHTTP = "http://10.0.0.5", true
		}, []string{`vpsie.allowInsecureHTTP: only allowed for a loopback vpsie.baseURL (127.0.0.0/8, ::1 or localhost), got "http://10.0.0.5"`}},
		{"plain HTTP opt-in refused for a remote https base URL", func(c *Config) {
			c.VPSie.BaseURL, c.VPSie.AllowInsecureHTTP = "https://api.vpsie.com/v2", true
		}, []string{`vpsie.allowInsecureHTTP: only allowed for a loopback vpsie.baseURL (127.0.0.0/8, ::1 or localhost), got "https://api.vpsie.com/v2"`}},
		{"base URL must be absolute", func(c *Config) { c.VPSie.BaseURL = "api.vpsie.com/v2" },
			[]string{`vpsie.baseURL: must be an absolute https URL, got "api.vpsie.com/v2"`}},
		{"login path absolute", func(c *Config) { c.VPSie.LoginPath = "auth/from/api" },
			[]string{`vpsie.loginPath: must start with "/", got "auth/from/api"`}},
		{"enums", func(c *Config) { c.VPSie.LoginEncoding, c.VPSie.AuthHeader, c.Logging.Format = "xml", "basic", "" }, []string{
			`vpsie.loginEncoding: must be one of form, json, got "xml"`,
			`vpsie.authHeader: must be one of bearer, vpsie-auth, got "basic"`,
			`logging.format: must be one of json, text, got ""`,
		}},
		{"secret reference needed without a credentials file", func(c *Config) { c.VPSie.Credentials.SecretName = "" },
			[]string{"vpsie.credentials.secretName: must not be empty"}},
		{"credentials file must exist", func(c *Config) { c.VPSie.Credentials.File = missing },
			[]string{`vpsie.credentials.file: file "` + missing + `" does not exist`}},
		{"rate limit bounds", func(c *Config) { c.VPSie.RateLimitPerMinute = 0 },
			[]string{"vpsie.rateLimitPerMinute: must be between 1 and 10000, got 0"}},
		{"client durations positive", func(c *Config) {
			c.VPSie.Timeout, c.VPSie.TokenRefreshBefore, c.VPSie.CircuitBreaker.OpenTimeout = 0, 0, 0
		}, []string{
			"vpsie.timeout: must be greater than 0, got 0s",
			"vpsie.tokenRefreshBefore: must be greater than 0, got 0s",
			"vpsie.circuitBreaker.openTimeout: must be greater than 0, got 0s",
		}},
		{"breaker threshold bounds", func(c *Config) { c.VPSie.CircuitBreaker.FailureThreshold = 0 },
			[]string{"vpsie.circuitBreaker.failureThreshold: must be between 1 and 1000, got 0"}},
		{"bind addresses", func(c *Config) { c.Metrics.BindAddress, c.Health.BindAddress = "8080", ":99999" }, []string{
			`metrics.bindAddress: must be [host]:port, or "0" to disable, got "8080"`,
			`health.bindAddress: must be [host]:port, or "0" to disable, got ":99999"`,
		}},
		{"metrics and health cannot share an address", func(c *Config) { c.Health.BindAddress = ":8080" },
			[]string{`health.bindAddress: must differ from metrics.bindAddress, both are ":8080"`}},
		{"tracing needs an endpoint when enabled", func(c *Config) { c.Tracing.Enabled = true },
			[]string{"tracing.endpoint: must not be empty"}},
		{"tracing endpoint is host:port, not a URL", func(c *Config) {
			c.Tracing.Enabled, c.Tracing.Endpoint = true, "http://collector:4317"
		}, []string{`tracing.endpoint: must be host:port with a port from 1 to 65535, got "http://collector:4317"`}},
		{"tracing sample percent bounds", func(c *Config) { c.Tracing.SamplePercent = 101 },
			[]string{"tracing.samplePercent: must be between 0 and 100, got 101"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			tt.mutate(cfg)
			if got := messages(t, cfg.Validate()); !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestValidateAcceptsOperatorSetups(t *testing.T) {
	cert, key, ca := writeFile(t, "tls.crt", "c"), writeFile(t, "tls.key", "k"), writeFile(t, "ca.crt", "a")
	tests := []struct {
		name   string
		mutate func(*Config)
	}{
		{"local simulator over http", func(c *Config) {
			c.VPSie.BaseURL, c.VPSie.AllowInsecureHTTP = "http://127.0.0.1:8443/v2", true
		}},
		{"local simulator over http on localhost", func(c *Config) {
			c.VPSie.BaseURL, c.VPSie.AllowInsecureHTTP = "http://localhost:8443/v2", true
		}},
		{"local simulator over http on IPv6 loopback", func(c *Config) {
			c.VPSie.BaseURL, c.VPSie.AllowInsecureHTTP = "http://[::1]:8443", true
		}},
		{"plain HTTP opt-in with the base URL left to the credentials", func(c *Config) {
			c.VPSie.AllowInsecureHTTP = true
		}},
		{"mTLS to Temporal", func(c *Config) {
			c.Temporal.TLS = TemporalTLSConfig{Enabled: true, CAFile: ca, CertFile: cert, KeyFile: key, ServerName: "temporal"}
		}},
		{"Temporal Cloud API key", func(c *Config) {
			c.Temporal.Address = "ns.acct.tmprl.cloud:7233"
			c.Temporal.TLS.Enabled, c.Temporal.APIKeyFile = true, key
		}},
		{"credentials file instead of Secret", func(c *Config) {
			c.VPSie.Credentials = VPSieCredentialsConfig{File: key}
		}},
		{"endpoints disabled or on random ports", func(c *Config) {
			c.Metrics.BindAddress, c.Health.BindAddress = "0", "0"
		}},
		{"both endpoints on random ports", func(c *Config) {
			c.Metrics.BindAddress, c.Health.BindAddress = "127.0.0.1:0", "127.0.0.1:0"
		}},
		{"IPv6 Temporal address", func(c *Config) { c.Temporal.Address = "[::1]:7233" }},
		{"tracing to an in-cluster collector", func(c *Config) {
			c.Tracing = TracingConfig{Enabled: true, Endpoint: "otel-collector.observability:4317", Insecure: true, SamplePercent: 10}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			tt.mutate(cfg)
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	cfg := &Config{} // the zero value breaks almost every rule
	got := messages(t, cfg.Validate())
	if len(got) < 20 {
		t.Fatalf("got %d problems, want every field's:\n%s", len(got), strings.Join(got, "\n"))
	}
}

func TestLogValueRendersEveryFieldByYAMLName(t *testing.T) {
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "config", Default())
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	cfg := line["config"].(map[string]any)
	for _, n := range leaves() {
		v, ok := lookupPath(cfg, n.path)
		if !ok {
			t.Errorf("%s missing from the logged configuration", n.path)
		}
		if n.kind == kindDuration && v != n.format(Default()) {
			t.Errorf("%s logged as %v, want %q", n.path, v, n.format(Default()))
		}
	}
}

func TestLeaderElectionJitterIsClientGos(t *testing.T) {
	if leaderElectionJitter != leaderelection.JitterFactor {
		t.Fatalf("leaderElectionJitter = %v, client-go's JitterFactor = %v", leaderElectionJitter,
			leaderelection.JitterFactor)
	}
}
