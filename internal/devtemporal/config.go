package devtemporal

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/primitives"
)

const (
	loopback    = "127.0.0.1"
	clusterName = "active"
	storeName   = "sqlite-default"
)

// servicePorts are the gRPC ports of the four services running in this process.
type servicePorts map[primitives.ServiceName]int

// ports are every port the server listens on.
type ports struct {
	grpc servicePorts
	// frontendHTTP serves the frontend's HTTP API, which Nexus endpoints need.
	frontendHTTP int
	// ui is 0 when the Web UI is disabled.
	ui int
}

// serverConfig builds the static configuration of a one-process, one-shard cluster.
// Only the frontend binds to the configured IP; history, matching and worker stay on
// loopback because nothing outside this process needs them.
func serverConfig(o Options, p ports, sql *config.SQL) *config.Config {
	frontend := hostPort(dialHost(o.IP), p.grpc[primitives.FrontendService])
	frontendHTTP := hostPort(dialHost(o.IP), p.frontendHTTP)

	var cfg config.Config
	cfg.Global.Membership.MaxJoinDuration = 30 * time.Second
	cfg.Global.Membership.BroadcastAddress = loopback
	cfg.Persistence = config.Persistence{
		DefaultStore:     storeName,
		VisibilityStore:  storeName,
		NumHistoryShards: 1,
		DataStores:       map[string]config.DataStore{storeName: {SQL: sql}},
	}
	cfg.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontend,
				HTTPAddress:            frontendHTTP,
			},
		},
	}
	cfg.DCRedirectionPolicy.Policy = "noop"
	cfg.Services = map[string]config.Service{}
	for name, port := range p.grpc {
		rpc := config.RPC{GRPCPort: port, BindOnIP: loopback}
		if name == primitives.FrontendService {
			rpc.BindOnIP = o.IP
			rpc.HTTPPort = p.frontendHTTP
		}
		cfg.Services[string(name)] = config.Service{RPC: rpc}
	}
	cfg.Archival.History.State = "disabled"
	cfg.Archival.Visibility.State = "disabled"
	cfg.NamespaceDefaults.Archival.History.State = "disabled"
	cfg.NamespaceDefaults.Archival.Visibility.State = "disabled"
	// The worker service (schedules, batch operations) dials the frontend through this.
	cfg.PublicClient.HostPort = frontend
	return &cfg
}

// allocatePorts checks the requested frontend and UI ports and picks free ports for the
// rest: the frontend's HTTP API on the frontend's IP, internal services on loopback.
func allocatePorts(o Options) (p ports, err error) {
	var r portReserver
	defer func() { err = errors.Join(err, r.release()) }()

	p.grpc = servicePorts{}
	if p.grpc[primitives.FrontendService], err = r.take(o.IP, o.Port); err != nil {
		return ports{}, fmt.Errorf("frontend: %w", err)
	}
	if !o.DisableUI {
		if p.ui, err = r.take(o.IP, o.UIPort); err != nil {
			return ports{}, fmt.Errorf("web ui: %w", err)
		}
	}
	if p.frontendHTTP, err = r.take(o.IP, 0); err != nil {
		return ports{}, err
	}
	for _, name := range []primitives.ServiceName{
		primitives.HistoryService, primitives.MatchingService, primitives.WorkerService,
	} {
		if p.grpc[name], err = r.take(loopback, 0); err != nil {
			return ports{}, err
		}
	}
	return p, nil
}
