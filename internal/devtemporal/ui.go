package devtemporal

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
)

const uiReadyTimeout = 30 * time.Second

// startUI serves the Web UI, whose assets are embedded in the ui-server module, on a
// port allocatePorts checked, and returns once it accepts connections.
func startUI(ctx context.Context, o Options, port int, frontend string, logger *slog.Logger) (*uiserver.Server, string, error) {
	ui := uiserver.NewServer(uioptions.WithConfigProvider(&uiconfig.Config{
		Host:                bracketIPv6(o.IP),
		Port:                port,
		TemporalGRPCAddress: frontend,
		EnableUI:            true,
		DefaultNamespace:    o.Namespaces[0],
		// Plain HTTP on a developer machine: the CSRF cookie must not require HTTPS.
		CORS:             uiconfig.CORS{CookieInsecure: true},
		HideLogs:         true,
		DisableNewsFetch: true,
	}))
	go func() {
		if err := ui.Start(); err != nil {
			logger.Error("Web UI stopped", "error", err)
		}
	}()

	dialAddr := hostPort(dialHost(o.IP), port)
	if err := waitListening(ctx, dialAddr, uiReadyTimeout); err != nil {
		ui.Stop()
		return nil, "", fmt.Errorf("web ui did not start: %w", err)
	}
	return ui, "http://" + dialAddr, nil
}

// waitListening polls addr until it accepts a TCP connection.
func waitListening(ctx context.Context, addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", addr, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func bracketIPv6(ip string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]"
	}
	return ip
}
