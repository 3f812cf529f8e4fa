package temporalclient

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/interceptor"
)

// DefaultNamespace is the namespace every Temporal server creates for local use.
const DefaultNamespace = "default"

// Options say how to reach a Temporal cluster.
type Options struct {
	// Address is the frontend host:port, e.g. 127.0.0.1:7233 or ns.acct.tmprl.cloud:7233.
	Address string
	// Namespace defaults to DefaultNamespace.
	Namespace string
	// Identity names this process in workflow histories; defaults to DefaultIdentity().
	Identity string
	TLS      TLSOptions
	// APIKeyFile holds a bearer API key (Temporal Cloud). The file is re-read when it
	// changes, so a rotated Kubernetes secret takes effect without a restart. Setting it
	// turns TLS on even when TLS.Enabled is false, as the SDK does for every API key.
	APIKeyFile string
	// Logger receives SDK logs; defaults to slog.Default().
	Logger *slog.Logger
	// Interceptors wrap the client's calls; the SDK also applies them to every worker built from the client
	// (internal/tracing's interceptor traces StartWorkflow, workflows and activities this way).
	Interceptors []interceptor.ClientInterceptor
}

// TLSOptions configure transport security. With Enabled and no files, the system roots
// verify the server, which is what hosted clusters need.
type TLSOptions struct {
	Enabled bool
	// CAFile verifies the server instead of the system roots (self-hosted clusters).
	CAFile string
	// CertFile and KeyFile are the client certificate for mTLS; both or neither.
	CertFile string
	KeyFile  string
	// ServerName overrides the name checked in the server certificate, for addresses
	// that are IPs or internal aliases.
	ServerName string
}

// DefaultIdentity mirrors the SDK's pid@host default; in Kubernetes the host is the pod name.
func DefaultIdentity() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return fmt.Sprintf("%d@%s", os.Getpid(), host)
}

func (o Options) withDefaults() Options {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Identity == "" {
		o.Identity = DefaultIdentity()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

func (o Options) validate() error {
	if o.Address == "" {
		return errors.New("temporal address is required")
	}
	t := o.TLS
	if !t.Enabled && (t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" || t.ServerName != "") {
		// Silently ignoring certificates would send mTLS users over plaintext.
		return errors.New("tls files or server name are set but tls is not enabled")
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return errors.New("tls cert file and key file must be set together")
	}
	return nil
}
