package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
)

// The chart is tested four ways: its copies of generated files and its schema
// against their sources (no cluster), `helm lint`, `helm template` applied
// with a server-side dry-run, and install, upgrade and uninstall against the
// test apiserver with the autoscaler binary running under the chart's own
// ServiceAccount, so the RBAC is proven sufficient rather than assumed.

func chartDir() string { return filepath.Join(testenv.RepoRoot(), "charts", "vpsie-autoscaler") }

// TestChartCopiesOfGeneratedFilesAreCurrent fails when `make generate` (which
// runs `make chart-sync`) was not run after the CRDs or RBAC markers changed.
func TestChartCopiesOfGeneratedFilesAreCurrent(t *testing.T) {
	root := testenv.RepoRoot()
	pairs := map[string]string{
		filepath.Join(root, "deploy", "rbac", "role.yaml"): filepath.Join(chartDir(), "files", "rbac", "role.yaml"),
	}
	crds, err := filepath.Glob(filepath.Join(root, "deploy", "crds", "*.yaml"))
	if err != nil || len(crds) == 0 {
		t.Fatalf("no CRDs in deploy/crds: %v", err)
	}
	for _, src := range crds {
		pairs[src] = filepath.Join(chartDir(), "crds", filepath.Base(src))
	}
	copies, _ := filepath.Glob(filepath.Join(chartDir(), "crds", "*"))
	for _, c := range copies {
		if _, err := os.Stat(filepath.Join(root, "deploy", "crds", filepath.Base(c))); err != nil {
			t.Errorf("chart CRD %s has no source in deploy/crds: run make generate", filepath.Base(c))
		}
	}
	for src, dst := range pairs {
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(dst)
		if err != nil || !bytes.Equal(got, want) {
			rel, _ := filepath.Rel(root, dst)
			t.Errorf("%s differs from %s: run make generate (%v)", rel, filepath.Base(src), err)
		}
	}
}

// managedConfigKeys are the config keys the chart sets itself (from other
// values, the release or the mounts); values.config must not offer them.
var managedConfigKeys = []string{
	"controller.namespace", "controller.kubeconfig", "controller.leaderElection",
	"temporal.", "vpsie.credentials.", "vpsie.caFile", "scaleUp.joinSecretName", "scaleUp.joinSecretNamespace",
	"metrics.bindAddress", "health.bindAddress",
	// A debugging aid for a process run by hand; the chart renders it empty (off).
	"metrics.pprofBindAddress",
	// From the chart's top-level webhook values (enabled, port, exempt users and groups), the release's
	// ServiceAccount and the mount of the certificate Secret (certDir).
	"webhook.",
}

func isManaged(path string) bool {
	for _, m := range managedConfigKeys {
		if path == m || (strings.HasSuffix(m, ".") && strings.HasPrefix(path, m)) {
			return true
		}
	}
	return false
}

// configLeaf is one key of the autoscaler's config file.
type configLeaf struct {
	path string
	typ  reflect.Type
}

func configLeaves() []configLeaf {
	var out []configLeaf
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			p := strings.TrimPrefix(prefix+"."+name, ".")
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, p)
				continue
			}
			out = append(out, configLeaf{p, f.Type})
		}
	}
	walk(reflect.TypeFor[config.Config](), "")
	return out
}

// TestChartSchemaCoversTheAutoscalerConfig checks values.schema.json's config
// section against internal/config: every key the chart does not manage is
// there with its type and allowed values, and nothing else is, so a value the
// autoscaler would refuse is refused at install time.
func TestChartSchemaCoversTheAutoscalerConfig(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(chartDir(), "values.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	cfgSchema := dig(schema, "properties", "config")
	enums := exampleEnums(t)
	seen := map[string]bool{}
	for _, leaf := range configLeaves() {
		node := schemaAt(cfgSchema, leaf.path)
		if isManaged(leaf.path) {
			if node != nil {
				t.Errorf("config.%s is set by the chart and must not be in the schema", leaf.path)
			}
			continue
		}
		seen[leaf.path] = true
		if node == nil {
			t.Errorf("values.schema.json has no config.%s (add it, or to the chart-managed keys)", leaf.path)
			continue
		}
		want := map[reflect.Kind]string{reflect.Bool: "boolean", reflect.Int: "integer", reflect.String: "string"}[leaf.typ.Kind()]
		if leaf.typ == reflect.TypeFor[time.Duration]() {
			if node["$ref"] != "#/definitions/duration" {
				t.Errorf("config.%s: schema %v, want the duration definition", leaf.path, node)
			}
			continue
		}
		if node["type"] != want {
			t.Errorf("config.%s: schema type %v, want %s", leaf.path, node["type"], want)
		}
		var got []string
		for _, e := range asSlice(node["enum"]) {
			if s := fmt.Sprint(e); s != "" {
				got = append(got, s)
			}
		}
		slices.Sort(got)
		if allowed := enums[leaf.path]; !slices.Equal(got, allowed) {
			t.Errorf("config.%s: schema allows %v, the autoscaler %v", leaf.path, got, allowed)
		}
	}
	var extra func(node map[string]any, prefix string)
	extra = func(node map[string]any, prefix string) {
		if node["additionalProperties"] != false {
			t.Errorf("config%s: additionalProperties must be false so unknown keys fail", prefix)
		}
		for k, v := range asMap(node["properties"]) {
			p := strings.TrimPrefix(prefix+"."+k, ".")
			child := asMap(v)
			if child["type"] == "object" {
				extra(child, "."+p)
				continue
			}
			if !seen[strings.TrimPrefix(p, ".")] {
				t.Errorf("values.schema.json offers config.%s, which the autoscaler does not have", p)
			}
		}
	}
	extra(cfgSchema, "")
}

// exampleEnums reads the allowed values of each key from the generated
// example config's comments ("One of: a, b.").
func exampleEnums(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	var stack []string
	var comment strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(config.ExampleYAML()))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "#"):
			comment.WriteString(strings.TrimPrefix(trimmed, "#") + " ")
		case trimmed == "":
			comment.Reset()
		default:
			depth := (len(line) - len(strings.TrimLeft(line, " "))) / 2
			key, _, _ := strings.Cut(trimmed, ":")
			stack = append(stack[:depth], key)
			if _, list, ok := strings.Cut(comment.String(), "One of: "); ok {
				list, _, _ = strings.Cut(list, ".")
				vals := strings.Split(list, ", ")
				for i := range vals {
					vals[i] = strings.TrimSpace(vals[i])
				}
				slices.Sort(vals)
				out[strings.Join(stack, ".")] = vals
			}
			comment.Reset()
		}
	}
	if len(out) == 0 {
		t.Fatal("no enums found in config.ExampleYAML(); did its comment format change?")
	}
	return out
}

// TestChartConfigDefaultsAreTheAutoscalers keeps values.yaml's config block
// equal to the binary's defaults, except where the chart deliberately differs.
func TestChartConfigDefaultsAreTheAutoscalers(t *testing.T) {
	// retryPeriod: a standby notices a released Lease within 2.2 retry periods, so
	// 1s keeps the SIGTERM failover under 5 s (docs/performance/ha.md).
	// leaderElectionID: empty means <release fullname>-leader, unique per release.
	deliberate := map[string]string{"controller.retryPeriod": "1s", "controller.leaderElectionID": ""}
	values := chartValues(t)
	defaults := config.Default()
	for _, leaf := range configLeaves() {
		if isManaged(leaf.path) {
			continue
		}
		v, ok := lookupPath(asMap(values["config"]), leaf.path)
		if !ok {
			t.Errorf("values.yaml lacks config.%s", leaf.path)
			continue
		}
		got := fmt.Sprint(v)
		if want, ok := deliberate[leaf.path]; ok {
			if got != want {
				t.Errorf("config.%s = %q, the chart's documented choice is %q", leaf.path, got, want)
			}
			continue
		}
		want := defaultText(defaults, leaf.path)
		if leaf.typ == reflect.TypeFor[time.Duration]() {
			g, err1 := time.ParseDuration(got)
			w, err2 := time.ParseDuration(want)
			if err1 != nil || err2 != nil || g != w {
				t.Errorf("config.%s = %s, autoscaler default %s", leaf.path, got, want)
			}
			continue
		}
		if got != want {
			t.Errorf("config.%s = %q, autoscaler default %q", leaf.path, got, want)
		}
	}
}

func defaultText(c *config.Config, path string) string {
	v := reflect.ValueOf(c).Elem()
	for _, part := range strings.Split(path, ".") {
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			if name == part {
				v = v.Field(i)
				break
			}
		}
	}
	if d, ok := v.Interface().(time.Duration); ok {
		return d.String()
	}
	return fmt.Sprint(v.Interface())
}

func chartValues(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(chartDir(), "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(raw, &values); err != nil {
		t.Fatal(err)
	}
	return values
}
