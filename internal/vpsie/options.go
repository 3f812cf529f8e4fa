package vpsie

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/loopback"
)

// Shape selects one of the two known VPSie API dialects; see docs/development/vpsie-client.md.
type Shape int

const (
	// ShapeA is the earlier autoscaler's API: base /v2, form login, Authorization: Bearer, numeric VM ids.
	ShapeA Shape = iota
	// ShapeB is VPSie's own Go client and Terraform provider: /apps/v2 and /api/v2, JSON login, Vpsie-Auth header.
	ShapeB
)

func (s Shape) String() string {
	if s == ShapeB {
		return "B"
	}
	return "A"
}

// LoginEncoding is how the login body is encoded.
type LoginEncoding string

const (
	LoginForm LoginEncoding = "form"
	LoginJSON LoginEncoding = "json"
)

// AuthHeader is how the access token is sent.
type AuthHeader string

const (
	AuthBearer    AuthHeader = "Authorization: Bearer"
	AuthVpsieAuth AuthHeader = "Vpsie-Auth"
)

// BreakerPolicy configures the circuit breaker.
type BreakerPolicy struct {
	ConsecutiveFailures uint32        // transient failures in a row that open the circuit...
	FailurePercent      uint32        // ...when at least this share (1–100) of the window's calls failed
	Window              time.Duration // how long a closed circuit counts calls before it starts over
	OpenTimeout         time.Duration // time open before one half-open probe
	HalfOpenRequests    uint32        // probes allowed while half-open
}

// Options configures a Client. Zero fields take the defaults of the chosen Shape (see DefaultOptions).
type Options struct {
	Shape         Shape
	BaseURL       string // default https://api.vpsie.com/v2 (A) or https://api.vpsie.com (B)
	LoginPath     string // default /auth/from/api (A) or /apps/v2/auth/from/api (B)
	LoginEncoding LoginEncoding
	AuthHeader    AuthHeader

	Credentials Credentials
	// ReloadCredentials, if set, is asked for the current credentials before every login (at each token refresh
	// and after a 401), so a rotated Secret or file takes effect without a restart. When it fails or returns
	// incomplete credentials, the last good ones (at first Credentials) are used.
	ReloadCredentials func(context.Context) (Credentials, error)

	// CACertFile / CACertPEM add a private CA to the system roots (e.g. the simulator's).
	CACertFile string
	CACertPEM  []byte
	// AllowPlainHTTP permits an http:// BaseURL, for a simulator on this machine: it is refused unless the base
	// URL's host is a loopback address (127.0.0.0/8, ::1 or localhost), so it can never send credentials in clear
	// text across a network.
	AllowPlainHTTP bool

	Timeout       time.Duration // per HTTP request; default 30s
	RefreshBefore time.Duration // refresh the token this long before expiry; default 5m
	UserAgent     string

	RateLimit float64 // requests per minute; default 100
	RateBurst int     // default 5

	Breaker BreakerPolicy

	// Registerer receives the client's metrics; nil means unregistered (still counted, not exported).
	Registerer prometheus.Registerer
	Logger     *slog.Logger
}

// DefaultBreakerPolicy opens after 5 consecutive transient failures once half the calls of the last 30s
// failed, and probes again after 30s.
func DefaultBreakerPolicy() BreakerPolicy {
	return BreakerPolicy{ConsecutiveFailures: 5, FailurePercent: 50, Window: 30 * time.Second,
		OpenTimeout: 30 * time.Second, HalfOpenRequests: 1}
}

// DefaultOptions returns the complete defaults for a shape.
func DefaultOptions(shape Shape) Options {
	o := Options{Shape: shape}
	o.setDefaults()
	return o
}

func (o *Options) setDefaults() {
	def := shapeDefaults(o.Shape)
	setIfZero(&o.BaseURL, o.Credentials.URL) // the Secret's optional url key
	setIfZero(&o.BaseURL, def.baseURL)
	setIfZero(&o.LoginPath, def.loginPath)
	setIfZero(&o.LoginEncoding, def.loginEncoding)
	setIfZero(&o.AuthHeader, def.authHeader)
	setIfZero(&o.Timeout, 30*time.Second)
	setIfZero(&o.RefreshBefore, 5*time.Minute)
	setIfZero(&o.UserAgent, "vpsie-autoscaler/1.0")
	setIfZero(&o.RateLimit, 100)
	setIfZero(&o.RateBurst, 5)
	b, db := &o.Breaker, DefaultBreakerPolicy()
	setIfZero(&b.ConsecutiveFailures, db.ConsecutiveFailures)
	setIfZero(&b.FailurePercent, db.FailurePercent)
	setIfZero(&b.Window, db.Window)
	setIfZero(&b.OpenTimeout, db.OpenTimeout)
	setIfZero(&b.HalfOpenRequests, db.HalfOpenRequests)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

func setIfZero[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}

func (o *Options) validate() error {
	u, err := url.Parse(o.BaseURL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("base url %q: not an absolute URL", o.BaseURL)
	}
	if o.AllowPlainHTTP && !loopback.Host(u.Hostname()) {
		return fmt.Errorf("AllowPlainHTTP: only allowed for a loopback base URL, got %q", o.BaseURL)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && o.AllowPlainHTTP) {
		return fmt.Errorf("base url %q: https is required", o.BaseURL)
	}
	if o.LoginEncoding != LoginForm && o.LoginEncoding != LoginJSON {
		return fmt.Errorf("login encoding %q: want form or json", o.LoginEncoding)
	}
	if o.AuthHeader != AuthBearer && o.AuthHeader != AuthVpsieAuth {
		return fmt.Errorf("auth header %q: want %q or %q", o.AuthHeader, AuthBearer, AuthVpsieAuth)
	}
	if o.Credentials.ClientID == "" || o.Credentials.ClientSecret == "" {
		return errors.New("credentials: clientId and clientSecret are required")
	}
	return nil
}
