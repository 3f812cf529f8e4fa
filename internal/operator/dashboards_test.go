package operator

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// dashboard is the part of a Grafana dashboard the tests read.
type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name string `json:"name"`
			Expr string `json:"expr"`
		} `json:"list"`
	} `json:"annotations"`
}

type panel struct {
	Title   string  `json:"title"`
	Panels  []panel `json:"panels"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// query is one PromQL query of a dashboard and where it is.
type query struct{ where, expr string }

// dashboardVariables are what Grafana substitutes before Prometheus sees a query.
var dashboardVariables = strings.NewReplacer("$namespace", "ns", "$nodegroup", "ng", "$__rate_interval", "5m",
	"$__interval", "1m", "$__range", "1h")

func (d dashboard) queries() []query {
	var out []query
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			for _, t := range p.Targets {
				out = append(out, query{where: d.UID + ": panel " + p.Title, expr: dashboardVariables.Replace(t.Expr)})
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, a := range d.Annotations.List {
		out = append(out, query{where: d.UID + ": annotation " + a.Name, expr: dashboardVariables.Replace(a.Expr)})
	}
	return out
}

var labelValues = regexp.MustCompile(`^label_values\((.+), *[a-z_]+\)$`)

// variableSelectors are the series selectors of the dashboard's label_values variables.
func (d dashboard) variableSelectors(t *testing.T) []query {
	var out []query
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		m, _ := v.Query.(map[string]any)
		text, _ := m["query"].(string)
		sel := labelValues.FindStringSubmatch(text)
		if sel == nil {
			t.Errorf("%s: variable %s: %q is not label_values(selector, label)", d.UID, v.Name, text)
			continue
		}
		out = append(out, query{where: d.UID + ": variable " + v.Name, expr: dashboardVariables.Replace(sel[1])})
	}
	return out
}

func readDashboards(t *testing.T) map[string]dashboard {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "deploy", "grafana", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards under deploy/grafana: %v", err)
	}
	out := map[string]dashboard{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = d
	}
	return out
}

// recordedNames are the recording rules of deploy/prometheus: dashboards may query them.
func recordedNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join("..", "..", "deploy", "prometheus", "*.yaml"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.yaml") {
			continue
		}
		var rf ruleFile
		readYAML(t, f, &rf)
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					names[r.Record] = true
				}
			}
		}
	}
	return names
}

var recordedMetric = regexp.MustCompile(`\bvpsie_autoscaler:[a-z0-9_:]+`)

func TestEveryDashboardQueryUsesOnlyExportedMetrics(t *testing.T) {
	exported, recorded := exportedMetrics(t), recordedNames(t)
	boards := readDashboards(t)
	for _, want := range []string{"overview.json", "nodegroup.json", "operations.json"} {
		if _, ok := boards[want]; !ok {
			t.Errorf("deploy/grafana/%s is missing", want)
		}
	}
	uids := map[string]bool{}
	for file, d := range boards {
		if uids[d.UID] {
			t.Errorf("%s: uid %q used twice", file, d.UID)
		}
		uids[d.UID] = true
		all := append(d.queries(), d.variableSelectors(t)...)
		if len(all) == 0 {
			t.Errorf("%s has no queries", file)
		}
		for _, q := range all {
			if missing := unexported(q.expr, exported); len(missing) > 0 {
				t.Errorf("%s: %v not exported by the product: %s", q.where, missing, q.expr)
			}
			for _, name := range recordedMetric.FindAllString(q.expr, -1) {
				if !recorded[name] {
					t.Errorf("%s: %s is no recording rule of deploy/prometheus", q.where, name)
				}
			}
		}
	}
	if d := boards["nodegroup.json"]; !hasVariables(d, "namespace", "nodegroup") {
		t.Error("the NodeGroup dashboard lacks its namespace and nodegroup variables")
	}
}

func hasVariables(d dashboard, names ...string) bool {
	have := map[string]bool{}
	for _, v := range d.Templating.List {
		have[v.Name] = true
	}
	for _, n := range names {
		if !have[n] {
			return false
		}
	}
	return true
}

// TestEveryDashboardQueryParses hands every query, as Grafana sends it, to promtool's
// PromQL parser (promtool check rules of a file with one recording rule per query).
func TestEveryDashboardQueryParses(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool not found: hack/local-cluster/deps.sh installs it (Debian's prometheus)")
		}
		t.Skip("promtool not found: install Debian's prometheus (hack/local-cluster/deps.sh)")
	}
	var rules []map[string]string
	for _, d := range readDashboards(t) {
		for i, q := range append(d.queries(), d.variableSelectors(t)...) {
			rules = append(rules, map[string]string{"record": fmt.Sprintf("dashboard:%s:%d", strings.ReplaceAll(d.UID, "-", "_"), i), "expr": q.expr})
		}
	}
	data, err := yaml.Marshal(map[string]any{"groups": []any{map[string]any{"name": "dashboards", "rules": rules}}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "dashboards.yaml")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", file).CombinedOutput(); err != nil {
		t.Fatalf("a dashboard query does not parse: %v\n%s", err, out)
	}
}
