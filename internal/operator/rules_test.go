package operator

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/utils/clock"

	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/rebalance"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/webhook"
)

// describing records the name of every metric registered through it.
type describing struct {
	prometheus.Registerer
	names map[string]bool
}

var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

func (d describing) Register(c prometheus.Collector) error {
	ch := make(chan *prometheus.Desc, 16)
	go func() { c.Describe(ch); close(ch) }()
	for desc := range ch {
		if m := fqName.FindStringSubmatch(desc.String()); m != nil {
			d.names[m[1]] = true
		}
	}
	return d.Registerer.Register(c)
}

// exportedMetrics are the names of the product's own metrics, registered by the same
// constructors the operator calls.
func exportedMetrics(t *testing.T) map[string]bool {
	t.Helper()
	reg := describing{Registerer: prometheus.NewRegistry(), names: map[string]bool{}}
	steps := []func() error{
		func() error { _, err := nodegroup.NewMetrics(reg); return err },
		func() error { _, err := scaleup.NewMetrics(reg); return err },
		func() error { _, err := scaledown.NewMetrics(reg); return err },
		func() error { _, err := rebalance.NewMetrics(reg); return err },
		func() error { _, err := webhook.NewMetrics(reg); return err },
		func() error { _, err := metrics.NewWorkflowFailures(reg); return err },
		func() error { _, err := newTemporalHealth(reg, clock.RealClock{}, nil); return err },
		func() error {
			_, err := vpsie.New(vpsie.Options{Credentials: vpsie.Credentials{ClientID: "id", ClientSecret: "secret"}, Registerer: reg})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return reg.names
}

// productMetric finds the product's series names in a query; recording rules are named
// vpsie_autoscaler:... (a colon), so they do not match.
var productMetric = regexp.MustCompile(`\bvpsie_autoscaler_[a-z0-9_]+\b`)

// unexported returns the product metric names a query uses that the product does not
// export (a histogram's _bucket, _count and _sum series count as its name).
func unexported(query string, exported map[string]bool) []string {
	var missing []string
	for _, name := range productMetric.FindAllString(query, -1) {
		base := name
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			if trimmed := strings.TrimSuffix(name, suffix); trimmed != name && exported[trimmed] {
				base = trimmed
			}
		}
		if !exported[base] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	return missing
}

func TestEveryRuleUsesOnlyMetricsTheProductExports(t *testing.T) {
	exported := exportedMetrics(t)
	files, err := filepath.Glob(filepath.Join("..", "..", "deploy", "prometheus", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files under deploy/prometheus: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.yaml") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			if missing := unexported(line, exported); len(missing) > 0 {
				t.Errorf("%s: %v not exported by the product: %s", filepath.Base(f), missing, strings.TrimSpace(line))
			}
		}
	}
}

func TestARenamedMetricIsCaught(t *testing.T) {
	exported := map[string]bool{"vpsie_autoscaler_node_drain_duration_seconds": true}
	for query, want := range map[string]int{
		`rate(vpsie_autoscaler_node_drain_duration_seconds_bucket[5m])`: 0,
		`rate(vpsie_autoscaler_node_drain_seconds_bucket[5m])`:          1,
		`vpsie_autoscaler:drain_duration:p95`:                           0,
	} {
		if got := unexported(query, exported); len(got) != want {
			t.Errorf("%s: unexported %v, want %d", query, got, want)
		}
	}
}
