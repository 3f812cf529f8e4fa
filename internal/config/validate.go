package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/loopback"
)

// Validate reports every problem of the configuration at once, as errors.Join of *FieldError in field order.
func (c *Config) Validate() error {
	return errors.Join(c.problems()...)
}

func (c *Config) problems() []error {
	v := &validator{c: c}
	for _, n := range leaves() {
		v.enum(n)
		v.fileExists(n)
	}
	v.controller()
	v.temporal()
	v.vpsie()
	v.scaleUp()
	v.scaleDown()
	v.rebalance()
	v.gc()
	v.endpoints()
	v.webhook()
	v.tracing()
	v.between(&v.c.Runtime.GCPercent, 10, 1000)
	order := make(map[string]int, len(leaves()))
	for i, n := range leaves() {
		order[n.path] = i
	}
	slices.SortStableFunc(v.errs, func(a, b error) int {
		return order[a.(*FieldError).Path] - order[b.(*FieldError).Path]
	})
	return v.errs
}

func (v *validator) controller() {
	c := &v.c.Controller
	v.dnsLabel(&c.ClusterName)
	v.dnsLabel(&c.Namespace)
	v.between(&c.KubeAPIQPS, 1, 10000)
	if c.KubeAPIBurst < c.KubeAPIQPS {
		v.fail(&c.KubeAPIBurst, "must be at least %s (%d), got %d", v.pathOf(&c.KubeAPIQPS), c.KubeAPIQPS, c.KubeAPIBurst)
	} else {
		v.between(&c.KubeAPIBurst, 1, 20000)
	}
	v.dnsSubdomain(&c.LeaderElectionID)
	v.longer(&c.LeaseDuration, &c.RenewDeadline)
	v.longerBy(&c.RenewDeadline, &c.RetryPeriod, leaderElectionJitter)
	v.positive(&c.RetryPeriod)
	v.positive(&c.SyncPeriod)
	v.positive(&c.GracefulShutdownTimeout)
}

func (v *validator) temporal() {
	t := &v.c.Temporal
	v.hostPort(&t.Address)
	v.required(&t.Namespace)
	v.required(&t.TaskQueue)
	v.together(&t.TLS.CertFile, &t.TLS.KeyFile)
	if t.TLS.Enabled {
		return
	}
	for _, p := range []*string{&t.TLS.CAFile, &t.TLS.CertFile, &t.TLS.KeyFile, &t.TLS.ServerName} {
		if *p != "" {
			v.fail(p, "set but %s is false", v.pathOf(&t.TLS.Enabled))
		}
	}
	if t.APIKeyFile != "" {
		v.fail(&t.APIKeyFile, "requires %s: an API key must not travel in clear text", v.pathOf(&t.TLS.Enabled))
	}
}

func (v *validator) vpsie() {
	a := &v.c.VPSie
	v.baseURL()
	if a.LoginPath != "" && !strings.HasPrefix(a.LoginPath, "/") {
		v.fail(&a.LoginPath, "must start with \"/\", got %q", a.LoginPath)
	}
	if a.Credentials.File == "" { // the Secret is only read when no file overrides it
		v.dnsSubdomain(&a.Credentials.SecretName)
		v.dnsLabel(&a.Credentials.SecretNamespace)
	}
	v.between(&a.RateLimitPerMinute, 1, 10000)
	v.positive(&a.Timeout)
	v.positive(&a.ListingLag)
	v.positive(&a.TokenRefreshBefore)
	v.between(&a.CircuitBreaker.FailureThreshold, 1, 1000)
	v.between(&a.CircuitBreaker.FailurePercent, 1, 100)
	v.positive(&a.CircuitBreaker.Window)
	v.positive(&a.CircuitBreaker.OpenTimeout)
}

func (v *validator) scaleUp() {
	s := &v.c.ScaleUp
	for _, d := range []*time.Duration{&s.BatchIdle, &s.ResyncPeriod, &s.CatalogueRefresh,
		&s.BootTimeout, &s.JoinTimeout, &s.ReadyTimeout, &s.MinBackoff, &s.MaxBackoff, &s.UnusedNodeGrace} {
		v.positive(d)
	}
	v.notShorter(&s.MaxBackoff, &s.MinBackoff)
	v.longer(&s.BatchMax, &s.BatchIdle)
	v.between(&s.ReservedCPUMillis, 0, 64000)
	v.between(&s.ReservedMemoryMiB, 0, 1<<20)
	v.between(&s.EvictionMemoryMiB, 0, 1<<20)
	v.between(&s.MaxPodsPerNode, 1, 1000)
	v.between(&s.QuotaVMs, 0, 1000000)
	v.between(&s.QuotaVCPUs, 0, 1000000)
	v.dnsSubdomain(&s.JoinSecretName)
	v.dnsLabel(&s.JoinSecretNamespace)
	if s.CACertHash != "" && !caCertHash.MatchString(s.CACertHash) {
		v.fail(&s.CACertHash, "must be sha256:<64 hex digits> (kubeadm's --discovery-token-ca-cert-hash), got %q", s.CACertHash)
	}
	if _, port, err := net.SplitHostPort(s.APIServerEndpoint); s.APIServerEndpoint != "" && (err != nil || port == "") {
		v.fail(&s.APIServerEndpoint, "must be host:port, got %q", s.APIServerEndpoint)
	}
}

// caCertHash is kubeadm's spelling of a CA public key hash.
var caCertHash = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func (v *validator) scaleDown() {
	s := &v.c.ScaleDown
	v.positive(&s.Interval)
	v.positive(&s.EmptyNodeDelay)
	v.positive(&s.DrainTimeout)
	v.between(&s.SampleCapacity, 1, 100000)
	v.between(&s.MaxParallelDrains, 1, 100)
}

func (v *validator) rebalance() {
	r := &v.c.Rebalance
	for _, d := range []*time.Duration{&r.Interval, &r.ProgressInterval, &r.DrainTimeout, &r.VerifyTimeout} {
		v.positive(d)
	}
}

func (v *validator) gc() {
	g := &v.c.GC
	v.positive(&g.Interval)
	v.positive(&g.Grace)
}

func (v *validator) baseURL() {
	a := &v.c.VPSie
	if a.BaseURL == "" {
		return // the apiShape's default
	}
	u, err := url.Parse(a.BaseURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		v.fail(&a.BaseURL, "must be an absolute https URL, got %q", a.BaseURL)
		return
	}
	if u.Scheme == "http" && !a.AllowInsecureHTTP {
		v.fail(&a.BaseURL, "must use https unless %s is true (local simulator only), got %q",
			v.pathOf(&a.AllowInsecureHTTP), a.BaseURL)
	}
	// Plain HTTP would carry the client secret and tokens in clear text, so only to this machine. An empty
	// baseURL is left to the client, which checks the URL it ends up with (the credentials' url key may set it).
	if a.AllowInsecureHTTP && !loopback.Host(u.Hostname()) {
		v.fail(&a.AllowInsecureHTTP, "only allowed for a loopback %s (127.0.0.0/8, ::1 or localhost), got %q",
			v.pathOf(&a.BaseURL), a.BaseURL)
	}
}

func (v *validator) endpoints() {
	m, h := &v.c.Metrics.BindAddress, &v.c.Health.BindAddress
	v.bindAddress(m)
	v.bindAddress(h)
	if *m == *h && *m != "0" && !strings.HasSuffix(*m, ":0") {
		v.fail(h, "must differ from %s, both are %q", v.pathOf(m), *m)
	}
}

// validator collects problems. Checks take a pointer to the field they check and find its YAML path in the
// field tree, so no path is spelled twice.
type validator struct {
	c    *Config
	errs []error
}

func (v *validator) fail(field any, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Path: v.pathOf(field), Problem: fmt.Sprintf(format, args...)})
}

func (v *validator) pathOf(field any) string {
	p := reflect.ValueOf(field)
	for _, n := range leaves() {
		if f := n.value(v.c); f.Addr().Pointer() == p.Pointer() && f.Type() == p.Type().Elem() {
			return n.path
		}
	}
	panic(fmt.Sprintf("config: %T does not point into the validated Config", field))
}

func (v *validator) enum(n *node) {
	allowed := n.allowed()
	if _, ok := n.value(v.c).Interface().(shapeDefaulted); ok && n.value(v.c).String() == "" {
		return
	}
	if got := n.value(v.c).String(); allowed != nil && !slices.Contains(allowed, got) {
		v.fail(n.value(v.c).Addr().Interface(), "must be one of %s, got %q", strings.Join(allowed, ", "), got)
	}
}

func (v *validator) fileExists(n *node) {
	name := n.value(v.c).String()
	if !n.file || name == "" {
		return
	}
	field := n.value(v.c).Addr().Interface()
	info, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		v.fail(field, "file %q does not exist", name)
	case err != nil:
		v.fail(field, "cannot use file %q: %v", name, err)
	case info.IsDir():
		v.fail(field, "%q is a directory, want a file", name)
	}
}

func (v *validator) required(p *string) bool {
	if *p == "" {
		v.fail(p, "must not be empty")
	}
	return *p != ""
}

var (
	dnsLabelRE     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dnsSubdomainRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

func (v *validator) dnsLabel(p *string) {
	if v.required(p) && (len(*p) > 63 || !dnsLabelRE.MatchString(*p)) {
		v.fail(p, "must be a DNS-1123 label (at most 63 lowercase letters, digits and '-', "+
			"starting and ending with a letter or digit), got %q", *p)
	}
}

func (v *validator) dnsSubdomain(p *string) {
	if v.required(p) && (len(*p) > 253 || !dnsSubdomainRE.MatchString(*p)) {
		v.fail(p, "must be a DNS-1123 subdomain (at most 253 lowercase letters, digits, '-' and '.', "+
			"starting and ending with a letter or digit), got %q", *p)
	}
}

func (v *validator) positive(p *time.Duration) bool {
	if *p <= 0 {
		v.fail(p, "must be greater than 0, got %s", shortDuration(*p))
	}
	return *p > 0
}

// longer checks *a > *b; a non-positive b is reported by b's own check.
func (v *validator) longer(a, b *time.Duration) {
	if v.positive(a) && *b > 0 && *a <= *b {
		v.fail(a, "must be greater than %s (%s), got %s", v.pathOf(b), shortDuration(*b), shortDuration(*a))
	}
}

// notShorter checks *a >= *b; a non-positive a or b is reported by its own check.
func (v *validator) notShorter(a, b *time.Duration) {
	if *a > 0 && *b > 0 && *a < *b {
		v.fail(a, "must not be shorter than %s (%s), got %s", v.pathOf(b), shortDuration(*b), shortDuration(*a))
	}
}

// leaderElectionJitter is client-go's leaderelection.JitterFactor (a test keeps them equal).
const leaderElectionJitter = 1.2

// longerBy is longer with a margin: client-go's leader election refuses a renew deadline that is not more than
// JitterFactor retry periods, and failing here names the field instead of failing after start-up.
func (v *validator) longerBy(a, b *time.Duration, factor float64) {
	floor := time.Duration(factor * float64(*b))
	if v.positive(a) && *b > 0 && *a <= floor {
		v.fail(a, "must be greater than %g × %s (%s), got %s", factor, v.pathOf(b), shortDuration(floor),
			shortDuration(*a))
	}
}

func (v *validator) between(p *int, lo, hi int) {
	if *p < lo || *p > hi {
		v.fail(p, "must be between %d and %d, got %d", lo, hi, *p)
	}
}

// together reports the empty one of two fields that must be set together.
func (v *validator) together(a, b *string) {
	switch {
	case *a != "" && *b == "":
		v.fail(b, "must be set together with %s", v.pathOf(a))
	case *a == "" && *b != "":
		v.fail(a, "must be set together with %s", v.pathOf(b))
	}
}

func (v *validator) hostPort(p *string) {
	host, port, err := net.SplitHostPort(*p)
	if err != nil || host == "" || !validPort(port, 1) {
		v.fail(p, "must be host:port with a port from 1 to 65535, got %q", *p)
	}
}

func (v *validator) bindAddress(p *string) {
	if *p == "0" {
		return
	}
	if _, port, err := net.SplitHostPort(*p); err != nil || !validPort(port, 0) {
		v.fail(p, "must be [host]:port, or \"0\" to disable, got %q", *p)
	}
}

func validPort(port string, lowest int) bool {
	n, err := strconv.Atoi(port)
	return err == nil && n >= lowest && n <= 65535
}
