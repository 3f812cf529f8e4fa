package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
)

// helmCLI is bin/helm (`make helm`) or $HELM. CI must have it; elsewhere the
// chart tests skip without it.
func helmCLI(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("HELM")
	if bin == "" {
		bin = filepath.Join(testenv.RepoRoot(), "bin", "helm")
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("helm not found at %s: run make helm", bin)
		}
		t.Skipf("helm not found at %s: run make helm", bin)
	}
	return bin
}

type helmRunner struct {
	bin, kubeconfig, home string
}

func newHelm(t *testing.T, kubeconfig string) *helmRunner {
	t.Helper()
	return &helmRunner{bin: helmCLI(t), kubeconfig: kubeconfig, home: t.TempDir()}
}

func (h *helmRunner) run(args ...string) (string, error) {
	cmd := exec.Command(h.bin, args...)
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+filepath.Join(h.home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(h.home, "config"), "HELM_DATA_HOME="+filepath.Join(h.home, "data"))
	if h.kubeconfig != "" {
		cmd.Env = append(cmd.Env, "KUBECONFIG="+h.kubeconfig)
	} else {
		cmd.Env = append(cmd.Env, "KUBECONFIG="+filepath.Join(h.home, "no-cluster"))
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (h *helmRunner) render(t *testing.T, release, ns string, args ...string) string {
	t.Helper()
	cmd := exec.Command(h.bin, append([]string{"template", release, chartDir(), "-n", ns}, args...)...)
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+filepath.Join(h.home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(h.home, "config"), "HELM_DATA_HOME="+filepath.Join(h.home, "data"),
		"KUBECONFIG="+filepath.Join(h.home, "no-cluster"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helm template %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

func (h *helmRunner) template(t *testing.T, release, ns string, args ...string) []*unstructured.Unstructured {
	t.Helper()
	return decodeDocs(t, h.render(t, release, ns, args...))
}

func decodeDocs(t *testing.T, text string) []*unstructured.Unstructured {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(text), 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]any
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("decoding rendered chart: %v", err)
		}
		if len(m) > 0 {
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
}

func findDoc(t *testing.T, docs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, d := range docs {
		if d.GetKind() == kind && (name == "" || d.GetName() == name) {
			return d
		}
	}
	t.Fatalf("no %s %q in the rendered chart", kind, name)
	return nil
}

func newObject(apiVersion, kind string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	return u
}

func podTemplateAnnotation(t *testing.T, ns, name, key string) string {
	t.Helper()
	dep := newObject("apps/v1", "Deployment")
	if err := kube.Client.Get(context.Background(), keyOf(ns, name), dep); err != nil {
		t.Fatal(err)
	}
	v, _, _ := unstructured.NestedString(dep.Object, "spec", "template", "metadata", "annotations", key)
	return v
}

func mkSecret(t *testing.T, ns, name string, data map[string]string) {
	t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, StringData: data}
	if err := kube.Client.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

func labelNamespace(t *testing.T, ns string, labels map[string]string) {
	t.Helper()
	var n corev1.Namespace
	if err := kube.Client.Get(context.Background(), client.ObjectKey{Name: ns}, &n); err != nil {
		t.Fatal(err)
	}
	if n.Labels == nil {
		n.Labels = map[string]string{}
	}
	for k, v := range labels {
		n.Labels[k] = v
	}
	if err := kube.Client.Update(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
}

func ensureNamespace(t *testing.T, name string) {
	t.Helper()
	err := kube.Client.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// installServiceMonitorCRD stands in for prometheus-operator: a ServiceMonitor
// CRD with the fields the chart sets, so the dry-run checks them strictly.
func installServiceMonitorCRD(t *testing.T) {
	t.Helper()
	installMonitoringCRD(t, "ServiceMonitor", `
              required: [selector, endpoints]
              properties:
                namespaceSelector:
                  type: object
                  properties: {matchNames: {type: array, items: {type: string}}}
                selector:
                  type: object
                  properties: {matchLabels: {type: object, additionalProperties: {type: string}}}
                endpoints:
                  type: array
                  items:
                    type: object
                    properties:
                      port: {type: string}
                      path: {type: string}
                      interval: {type: string}
                      scrapeTimeout: {type: string}
                      relabelings: {type: array, items: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                      metricRelabelings: {type: array, items: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`)
}

// installMonitoringCRD installs a monitoring.coreos.com/v1 CRD of kind whose spec has the
// schema specSchema (YAML indented under spec), and waits until it is served.
func installMonitoringCRD(t *testing.T, kind, specSchema string) {
	t.Helper()
	plural := strings.ToLower(kind) + "s"
	crd := fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: %[2]s.monitoring.coreos.com}
spec:
  group: monitoring.coreos.com
  scope: Namespaced
  names: {kind: %[1]s, listKind: %[1]sList, plural: %[2]s, singular: %[3]s}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object`, kind, plural, strings.ToLower(kind)) + specSchema
	file := filepath.Join(t.TempDir(), plural+"-crd.yaml")
	if err := os.WriteFile(file, []byte(crd), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := kube.Kubectl("apply", "--server-side", "-f", file); err != nil {
		t.Fatalf("installing the %s CRD: %v\n%s", kind, err, out)
	}
	eventually(t, kind+" CRD established", func() error {
		_, err := kube.Kubectl("get", plural, "-A")
		return err
	})
}

func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m = asMap(m[k])
	}
	return m
}

func schemaAt(node map[string]any, path string) map[string]any {
	for _, part := range strings.Split(path, ".") {
		child, ok := asMap(node["properties"])[part]
		if !ok {
			return nil
		}
		node = asMap(child)
	}
	return node
}

func lookupPath(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func joined(err error) []error {
	if err == nil {
		return nil
	}
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		return u.Unwrap()
	}
	return []error{err}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
