// Command vpsie-sim runs the VPSie simulator: both VPSie API shapes over HTTP(S), admin endpoints, and optionally
// Node registration in a Kubernetes cluster. See docs/development/vpsie-sim.md.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "vpsie-sim:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	o, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	log := o.cfg.Logger
	sim, err := vpsiesim.New(o.cfg)
	if err != nil {
		return err
	}
	tlsCfg, err := o.tls()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	api := sim.Handler()
	var servers []*http.Server
	errs := make(chan error, 3)
	if o.adminListen != "" {
		api = apiOnly(sim)
		srv, err := serve(o.adminListen, sim.AdminHandler(), nil, errs)
		if err != nil {
			return err
		}
		servers = append(servers, srv)
		log.Info("admin listening", "addr", srv.Addr)
	}
	srv, err := serve(o.listen, api, tlsCfg, errs)
	if err != nil {
		return err
	}
	servers = append(servers, srv)
	scheme := map[bool]string{true: "https", false: "http"}[tlsCfg != nil]
	log.Info("vpsie-sim listening", "addr", srv.Addr, "shape_a", scheme+"://"+srv.Addr+"/v2",
		"shape_b", scheme+"://"+srv.Addr, "state", o.cfg.StatePath, "kube", o.cfg.Kube != nil)

	go func() { errs <- sim.Run(ctx) }()
	select {
	case <-ctx.Done():
	case err = <-errs:
		stop()
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	for _, s := range servers {
		if serr := s.Shutdown(shutdownCtx); serr != nil {
			log.Error("server shutdown", "err", serr)
		}
	}
	if saveErr := sim.Save(); saveErr != nil {
		err = errors.Join(err, saveErr)
	}
	return err
}

// apiOnly serves the API and /healthz but not /admin.
func apiOnly(sim *vpsiesim.Simulator) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", sim.APIHandler())
	mux.Handle("GET /healthz", sim.Handler())
	return mux
}

// serve listens on addr and serves h in the background; a serving failure is sent to errs.
func serve(addr string, h http.Handler, tlsCfg *tls.Config, errs chan<- error) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	srv := &http.Server{Addr: ln.Addr().String(), Handler: h, ReadHeaderTimeout: 10 * time.Second, TLSConfig: tlsCfg}
	go func() {
		var err error
		if tlsCfg != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("serving %s: %w", addr, err)
		}
	}()
	return srv, nil
}

func (o *options) tls() (*tls.Config, error) {
	switch {
	case o.tlsCert != "":
		return vpsiesim.LoadTLS(o.tlsCert, o.tlsKey)
	case o.tlsSelfSigned:
		cfg, err := vpsiesim.SelfSignedTLS(strings.Split(o.tlsHost, ","), o.tlsCAOut)
		if err == nil {
			o.cfg.Logger.Info("self-signed TLS", "ca", o.tlsCAOut, "hosts", o.tlsHost)
		}
		return cfg, err
	}
	return nil, nil
}
