package devtemporal

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"
)

const frontendReadyTimeout = 30 * time.Second

// Server is a running dev server. Stop it to release its ports.
type Server struct {
	temporal    temporal.Server
	ui          *uiserver.Server
	frontend    string
	uiURL       string
	namespaces  []string
	logLevel    *slog.LevelVar
	stopOnce    sync.Once
	stopErr     error
	persistence string
}

// Start creates the database if needed, registers the namespaces, and starts the server
// and (unless disabled) the Web UI. It returns once both accept connections.
func Start(ctx context.Context, o Options) (*Server, error) {
	o = o.withDefaults()
	if err := o.validate(); err != nil {
		return nil, fmt.Errorf("dev server options: %w", err)
	}
	ports, err := allocatePorts(o)
	if err != nil {
		return nil, err
	}
	sql, err := openDatabase(o)
	if err != nil {
		return nil, err
	}
	cfg := serverConfig(o, ports, sql)
	logLevel := new(slog.LevelVar)
	logLevel.Set(o.LogLevel)
	ts, err := temporal.NewServer(serverOptions(cfg, o, logLevel)...)
	if err != nil {
		return nil, fmt.Errorf("building temporal server: %w", err)
	}
	if err := ts.Start(); err != nil {
		return nil, fmt.Errorf("starting temporal server: %w", err)
	}
	if err := waitListening(ctx, cfg.PublicClient.HostPort, frontendReadyTimeout); err != nil {
		_ = ts.Stop()
		return nil, fmt.Errorf("temporal frontend did not start: %w", err)
	}
	s := &Server{
		temporal:    ts,
		frontend:    cfg.PublicClient.HostPort,
		namespaces:  o.Namespaces,
		persistence: sql.DatabaseName,
		logLevel:    logLevel,
	}
	if o.DisableUI {
		return s, nil
	}
	if s.ui, s.uiURL, err = startUI(ctx, o, ports.ui, s.frontend, o.Logger); err != nil {
		_ = ts.Stop()
		return nil, err
	}
	return s, nil
}

func serverOptions(cfg *config.Config, o Options, logLevel *slog.LevelVar) []temporal.ServerOption {
	hosts := make(map[primitives.ServiceName]static.Hosts, len(cfg.Services))
	for name, svc := range cfg.Services {
		hosts[primitives.ServiceName(name)] = static.SingleLocalHost(hostPort(dialHost(svc.RPC.BindOnIP), svc.RPC.GRPCPort))
	}
	return []temporal.ServerOption{
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		// Static membership: one process needs no gossip ring, and skipping ringpop saves
		// four ports and a join delay.
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(newServerLogger(o.Logger, logLevel)),
		temporal.WithAuthorizer(authorization.NewNoopAuthorizer()),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper {
			return authorization.NewNoopClaimMapper()
		}),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			// The Web UI polls visibility on every page; the production default throttles it.
			dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		}),
	}
}

// FrontendAddress is the host:port SDK clients dial.
func (s *Server) FrontendAddress() string { return s.frontend }

// UIURL is the Web UI's base URL, empty when the UI is disabled.
func (s *Server) UIURL() string { return s.uiURL }

// Namespaces are the namespaces registered at start.
func (s *Server) Namespaces() []string { return s.namespaces }

// Database is the SQLite file (or in-memory name) holding the server's state.
func (s *Server) Database() string { return s.persistence }

// Stop shuts the UI and the server down; running workflows resume on the next start
// from the same database file. Safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		// Services stop one by one and complain about the ones already gone; those
		// warnings are expected and only bury the errors that matter.
		if s.logLevel.Level() < slog.LevelError {
			s.logLevel.Set(slog.LevelError)
		}
		if s.ui != nil {
			s.ui.Stop()
		}
		if err := s.temporal.Stop(); err != nil {
			s.stopErr = fmt.Errorf("stopping temporal server: %w", err)
		}
	})
	return s.stopErr
}

// Run starts a server, logs where to reach it, and stops it when ctx is done.
func Run(ctx context.Context, o Options) error {
	s, err := Start(ctx, o)
	if err != nil {
		return err
	}
	logger := o.withDefaults().Logger
	logger.Info("Temporal dev server ready",
		"frontend", s.FrontendAddress(), "ui", s.UIURL(),
		"namespaces", s.Namespaces(), "db", s.Database())
	<-ctx.Done()
	logger.Info("Temporal dev server stopping")
	return s.Stop()
}
