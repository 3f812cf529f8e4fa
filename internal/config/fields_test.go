package config

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestBindingsDeriveFromYAMLPath(t *testing.T) {
	tests := []struct{ path, env, flag string }{
		{"temporal.taskQueue", "VPSIE_TEMPORAL_TASK_QUEUE", "temporal.task-queue"},
		{"vpsie.baseURL", "VPSIE_VPSIE_BASE_URL", "vpsie.base-url"},
		{"controller.leaderElectionID", "VPSIE_CONTROLLER_LEADER_ELECTION_ID", "controller.leader-election-id"},
		{"vpsie.allowInsecureHTTP", "VPSIE_VPSIE_ALLOW_INSECURE_HTTP", "vpsie.allow-insecure-http"},
		{"temporal.tls.caFile", "VPSIE_TEMPORAL_TLS_CA_FILE", "temporal.tls.ca-file"},
		{"vpsie.circuitBreaker.failureThreshold", "VPSIE_VPSIE_CIRCUIT_BREAKER_FAILURE_THRESHOLD", "vpsie.circuit-breaker.failure-threshold"},
	}
	byPath := map[string]*node{}
	for _, n := range leaves() {
		byPath[n.path] = n
	}
	for _, tt := range tests {
		n := byPath[tt.path]
		if n == nil {
			t.Errorf("no field %s", tt.path)
			continue
		}
		if n.env != tt.env || n.flag != tt.flag {
			t.Errorf("%s: got env %s flag %s, want %s and %s", tt.path, n.env, n.flag, tt.env, tt.flag)
		}
	}
}

func TestEveryLeafFieldHasEnvFlagDocAndExampleEntry(t *testing.T) {
	var help bytes.Buffer
	Usage(&help)
	reference := string(ReferenceMarkdown())
	example := exampleDocument(t)
	envRE := regexp.MustCompile(`^VPSIE_[A-Z0-9_]+$`)
	flagRE := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$`)
	seenEnv, seenFlag := map[string]string{configEnv: "config"}, map[string]string{configFlag: "config"}
	for _, n := range leaves() {
		if !envRE.MatchString(n.env) || seenEnv[n.env] != "" {
			t.Errorf("%s: env %q is malformed or also used by %s", n.path, n.env, seenEnv[n.env])
		}
		if !flagRE.MatchString(n.flag) || seenFlag[n.flag] != "" {
			t.Errorf("%s: flag %q is malformed or also used by %s", n.path, n.flag, seenFlag[n.flag])
		}
		seenEnv[n.env], seenFlag[n.flag] = n.path, n.path
		if strings.TrimSpace(n.doc) == "" {
			t.Errorf("%s: no doc", n.path)
		}
		if !strings.Contains(help.String(), "--"+n.flag+" ") || !strings.Contains(help.String(), "env "+n.env+",") {
			t.Errorf("%s: --help does not list --%s with %s", n.path, n.flag, n.env)
		}
		row := "| `" + n.path + "` | `" + n.env + "` | `--" + n.flag + "` |"
		if !strings.Contains(reference, row) {
			t.Errorf("%s: reference has no row starting %s", n.path, row)
		}
		if _, ok := lookupPath(example, n.path); !ok {
			t.Errorf("%s: missing from %s", n.path, ExamplePath)
		}
	}
}

func TestExampleFileCommentsEveryField(t *testing.T) {
	lines := strings.Split(string(readModuleFile(t, ExamplePath)), "\n")
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if i == 0 || !strings.HasPrefix(strings.TrimSpace(lines[i-1]), "#") {
			t.Errorf("%s line %d %q has no comment above it", ExamplePath, i+1, trimmed)
		}
	}
}

func exampleDocument(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.UnmarshalStrict(readModuleFile(t, ExamplePath), &doc); err != nil {
		t.Fatalf("parsing %s: %v", ExamplePath, err)
	}
	return doc
}

func lookupPath(doc map[string]any, path string) (any, bool) {
	var cur any = doc
	for _, key := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[key]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func readModuleFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
