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
	"sigs.k8s.io/yaml"

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

type ruleFile struct {
	Groups []struct {
		Rules []struct {
			Alert       string            `json:"alert"`
			Record      string            `json:"record"`
			Expr        string            `json:"expr"`
			Labels      map[string]string `json:"labels"`
			Annotations map[string]string `json:"annotations"`
		} `json:"rules"`
	} `json:"groups"`
}

type promtoolTests struct {
	Tests []struct {
		AlertRuleTest []struct {
			Alertname string `json:"alertname"`
			ExpAlerts []any  `json:"exp_alerts"`
		} `json:"alert_rule_test"`
	} `json:"tests"`
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestEveryAlertHasSeverityASummaryARunbookAndPromtoolTests: what an operator paged at
// night needs, for every alert of every rule file.
func TestEveryAlertHasSeverityASummaryARunbookAndPromtoolTests(t *testing.T) {
	root := filepath.Join("..", "..")
	dir := filepath.Join(root, "deploy", "prometheus")
	tested := map[string]map[bool]bool{}
	tests, _ := filepath.Glob(filepath.Join(dir, "*_test.yaml"))
	for _, f := range tests {
		var pt promtoolTests
		readYAML(t, f, &pt)
		for _, tc := range pt.Tests {
			for _, a := range tc.AlertRuleTest {
				if tested[a.Alertname] == nil {
					tested[a.Alertname] = map[bool]bool{}
				}
				tested[a.Alertname][len(a.ExpAlerts) > 0] = true
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	alerts := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.yaml") {
			continue
		}
		var rf ruleFile
		readYAML(t, f, &rf)
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				alerts++
				checkAlert(t, root, r.Alert, r.Expr, r.Labels, r.Annotations)
				if !tested[r.Alert][true] || !tested[r.Alert][false] {
					t.Errorf("%s: promtool tests fire=%v silent=%v, want both", r.Alert, tested[r.Alert][true], tested[r.Alert][false])
				}
			}
		}
	}
	if alerts < 24 {
		t.Errorf("%d alerts, want at least the seeds' twelve and the issue's twelve", alerts)
	}
}

func checkAlert(t *testing.T, root, name, expr string, labels, annotations map[string]string) {
	t.Helper()
	switch labels["severity"] {
	case "critical", "warning", "info":
	default:
		t.Errorf("%s: severity %q, want critical, warning or info", name, labels["severity"])
	}
	summary := annotations["summary"]
	if !strings.Contains(summary, "NodeGroup") {
		t.Errorf("%s: summary %q names no NodeGroup", name, summary)
	}
	if strings.Contains(expr, "nodegroup)") && !strings.Contains(summary, "{{ $labels.nodegroup }}") {
		t.Errorf("%s: a per-NodeGroup alert whose summary %q does not name the NodeGroup", name, summary)
	}
	want := "docs/operations/runbooks/" + name + ".md"
	if !strings.HasSuffix(annotations["runbook_url"], "/"+want) {
		t.Errorf("%s: runbook_url %q, want one ending in %s", name, annotations["runbook_url"], want)
	}
	if _, err := os.Stat(filepath.Join(root, want)); err != nil {
		t.Errorf("%s: no runbook: %v", name, err)
	}
}
