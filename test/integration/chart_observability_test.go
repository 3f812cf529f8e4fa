package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
)

// observabilitySources are deploy/'s rule files and dashboards with the chart's copy of each.
func observabilitySources(t *testing.T) map[string]string {
	t.Helper()
	root := testenv.RepoRoot()
	pairs := map[string]string{}
	rules, _ := filepath.Glob(filepath.Join(root, "deploy", "prometheus", "*.yaml"))
	for _, src := range rules {
		if !strings.HasSuffix(src, "_test.yaml") {
			pairs[src] = filepath.Join(chartDir(), "files", "prometheus", filepath.Base(src))
		}
	}
	boards, _ := filepath.Glob(filepath.Join(root, "deploy", "grafana", "*.json"))
	for _, src := range boards {
		pairs[src] = filepath.Join(chartDir(), "files", "grafana", filepath.Base(src))
	}
	if len(pairs) < 5 {
		t.Fatalf("want alerts.yaml, slo.yaml and three dashboards under deploy/, found %d files", len(pairs))
	}
	return pairs
}

func TestChartCopiesOfRulesAndDashboardsAreCurrent(t *testing.T) {
	pairs := observabilitySources(t)
	for src, dst := range pairs {
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(dst); err != nil || string(got) != string(want) {
			t.Errorf("%s differs from %s: run make chart-sync (%v)", dst, src, err)
		}
	}
	copies, _ := filepath.Glob(filepath.Join(chartDir(), "files", "grafana", "*"))
	more, _ := filepath.Glob(filepath.Join(chartDir(), "files", "prometheus", "*"))
	for _, c := range append(copies, more...) {
		found := false
		for _, dst := range pairs {
			found = found || dst == c
		}
		if !found {
			t.Errorf("chart file %s has no source under deploy/: run make chart-sync", c)
		}
	}
}

// TestChartRendersRulesAndDashboardsWhenEnabled: off by default; when enabled, the
// PrometheusRule holds exactly the groups of deploy/prometheus (runbook_url rewritten to
// the value) and one ConfigMap per dashboard carries the sidecar's label and the JSON.
func TestChartRendersRulesAndDashboardsWhenEnabled(t *testing.T) {
	h := newHelm(t, "")
	required := []string{"-f", filepath.Join(chartDir(), "ci", "required-values.yaml")}
	for _, d := range h.template(t, "r", "ns", required...) {
		if d.GetKind() == "PrometheusRule" || d.GetLabels()["grafana_dashboard"] != "" {
			t.Errorf("rendered by default: %s %s", d.GetKind(), d.GetName())
		}
	}
	docs := h.template(t, "r", "ns", append(required, "--set", "prometheusRule.enabled=true",
		"--set", "prometheusRule.runbookBaseURL=https://runbooks.example.com/vpsie/",
		"--set", "grafanaDashboards.enabled=true", "--set", "grafanaDashboards.namespace=monitoring")...)
	checkPrometheusRule(t, findDoc(t, docs, "PrometheusRule", ""))
	boards := 0
	for _, d := range docs {
		if d.GetKind() != "ConfigMap" || d.GetLabels()["grafana_dashboard"] != "1" {
			continue
		}
		boards++
		if d.GetNamespace() != "monitoring" {
			t.Errorf("dashboard ConfigMap %s in namespace %q, want monitoring", d.GetName(), d.GetNamespace())
		}
		data, _, _ := unstructured.NestedStringMap(d.Object, "data")
		for key, text := range data {
			src := filepath.Join(testenv.RepoRoot(), "deploy", "grafana", strings.TrimPrefix(key, "vpsie-autoscaler-"))
			want, err := os.ReadFile(src)
			if err != nil {
				t.Errorf("ConfigMap %s key %s has no dashboard under deploy/grafana: %v", d.GetName(), key, err)
				continue
			}
			if !jsonEqual(t, []byte(text), want) {
				t.Errorf("ConfigMap %s key %s differs from %s", d.GetName(), key, src)
			}
		}
	}
	if boards != 3 {
		t.Errorf("%d dashboard ConfigMaps, want 3 (overview, nodegroup, operations)", boards)
	}
}

func checkPrometheusRule(t *testing.T, rule *unstructured.Unstructured) {
	t.Helper()
	var want []any
	for _, f := range []string{"alerts.yaml", "slo.yaml"} {
		data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "deploy", "prometheus", f))
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(data), "https://github.com/vpsie/vpsie-autoscaler/blob/main/docs/operations/runbooks/",
			"https://runbooks.example.com/vpsie/")
		var file map[string]any
		if err := yaml.Unmarshal([]byte(text), &file); err != nil {
			t.Fatal(err)
		}
		want = append(want, file["groups"].([]any)...)
	}
	got, _, _ := unstructured.NestedSlice(rule.Object, "spec", "groups")
	if !reflect.DeepEqual(normalize(t, got), normalize(t, want)) {
		t.Errorf("the PrometheusRule's groups differ from deploy/prometheus/alerts.yaml and slo.yaml")
	}
	if !strings.Contains(toJSON(t, got), "https://runbooks.example.com/vpsie/VPSieAutoscalerDown.md") {
		t.Error("runbook_url does not follow prometheusRule.runbookBaseURL")
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// normalize makes YAML- and JSON-decoded values comparable (numbers, map types).
func normalize(t *testing.T, v any) any {
	t.Helper()
	var out any
	mustJSON(t, []byte(toJSON(t, v)), &out)
	return out
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Errorf("not JSON: %v", err)
		return false
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

// installPrometheusRuleCRD installs the part of prometheus-operator's PrometheusRule CRD the
// chart uses, with its field types, so a strict server-side dry-run checks the rendered rules.
func installPrometheusRuleCRD(t *testing.T) {
	t.Helper()
	installMonitoringCRD(t, "PrometheusRule", `
              properties:
                groups:
                  type: array
                  items:
                    type: object
                    required: [name]
                    properties:
                      name: {type: string}
                      interval: {type: string}
                      rules:
                        type: array
                        items:
                          type: object
                          required: [expr]
                          properties:
                            alert: {type: string}
                            record: {type: string}
                            expr: {x-kubernetes-int-or-string: true}
                            for: {type: string}
                            labels: {type: object, additionalProperties: {type: string}}
                            annotations: {type: object, additionalProperties: {type: string}}
`)
}
