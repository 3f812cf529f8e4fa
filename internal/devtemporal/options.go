package devtemporal

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
)

// Defaults match the Temporal CLI's dev server so SDKs, tools and muscle memory work unchanged.
const (
	DefaultIP        = "127.0.0.1"
	DefaultPort      = 7233
	DefaultUIPort    = 8233
	DefaultNamespace = "default"
	DefaultDBFile    = ".local/temporal.db"
	// MemoryDB keeps all state in memory; it is lost when the process exits.
	MemoryDB = ":memory:"
)

// Options configure a dev server. The zero value of every field has a usable meaning.
type Options struct {
	// DBFile is the SQLite file holding all state; created with its schema on first use.
	// Empty or MemoryDB keeps state in memory only.
	DBFile string
	// IP is the address the frontend and the UI bind to; empty means DefaultIP.
	IP string
	// Port is the frontend gRPC port; 0 picks a free port (tests).
	Port int
	// UIPort is the Web UI port; 0 picks a free port. Ignored when DisableUI is set.
	UIPort    int
	DisableUI bool
	// Namespaces are registered before the server starts; empty means DefaultNamespace.
	Namespaces []string
	// Logger receives the server's logs at LogLevel and above, and the UI's start-up errors.
	Logger   *slog.Logger
	LogLevel slog.Level
}

func (o Options) withDefaults() Options {
	if o.IP == "" {
		o.IP = DefaultIP
	}
	if len(o.Namespaces) == 0 {
		o.Namespaces = []string{DefaultNamespace}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

func (o Options) validate() error {
	if net.ParseIP(o.IP) == nil {
		return fmt.Errorf("ip %q is not an IP address", o.IP)
	}
	if o.Port < 0 || o.Port > 65535 || o.UIPort < 0 || o.UIPort > 65535 {
		return errors.New("ports must be between 0 and 65535")
	}
	for _, ns := range o.Namespaces {
		if ns == "" {
			return errors.New("namespace names must not be empty")
		}
	}
	return nil
}

func (o Options) inMemory() bool {
	return o.DBFile == "" || o.DBFile == MemoryDB
}
