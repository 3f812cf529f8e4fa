package vpsie

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Client talks to one VPSie API endpoint. It is safe for concurrent use; share one per process and credentials so
// the token, rate limit and breaker are shared too.
type Client struct {
	opts    Options
	base    string
	routes  routes
	http    *http.Client
	tokens  *tokenSource
	limiter *limiter
	breaker *breaker
	metrics *metrics
	log     *slog.Logger

	credsMu sync.Mutex
	creds   Credentials // the last good credentials; see Options.ReloadCredentials
}

// New builds a Client. It does not log in: the first call does.
func New(opts Options) (*Client, error) {
	opts.setDefaults()
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("vpsie client options: %w", err)
	}
	hc, err := newHTTPClient(&opts)
	if err != nil {
		return nil, fmt.Errorf("vpsie client transport: %w", err)
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("vpsie client metrics: %w", err)
	}
	c := &Client{
		opts:    opts,
		base:    strings.TrimRight(opts.BaseURL, "/"),
		routes:  shapeDefaults(opts.Shape).routes,
		http:    hc,
		limiter: newLimiter(opts.RateLimit, opts.RateBurst, m),
		breaker: newBreaker(opts.Breaker, m),
		metrics: m,
		log:     opts.Logger.With("component", "vpsie-client", "shape", opts.Shape.String()),
	}
	c.tokens = &tokenSource{login: c.login, now: time.Now}
	return c, nil
}

// Shape reports the API shape the client speaks.
func (c *Client) Shape() Shape { return c.opts.Shape }
