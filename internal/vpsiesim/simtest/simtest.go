package simtest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// Server is a running simulator with the shape-A base URL the autoscaler is configured with.
type Server struct {
	Sim     *vpsiesim.Simulator
	API     *vpsie.Client
	BaseURL string
}

// Start serves a simulator built from cfg (logs discarded) until the test ends.
func Start(t testing.TB, cfg vpsiesim.Config) *Server {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	sim, err := vpsiesim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = sim.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	base := srv.URL + vpsieapi.PrefixA
	api, err := vpsie.New(vpsie.Options{
		BaseURL: base, AllowPlainHTTP: true,
		Credentials: vpsie.Credentials{ClientID: cfg.ClientID, ClientSecret: vpsie.Secret(cfg.ClientSecret)},
		RateLimit:   60000, RateBurst: 100, Logger: cfg.Logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Server{Sim: sim, API: api, BaseURL: base}
}
