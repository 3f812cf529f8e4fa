package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
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

// TestChartLint runs `helm lint --strict` with the two required values and with
// every option set, and checks that mistakes fail with a message naming the value.
func TestChartLint(t *testing.T) {
	h := newHelm(t, "")
	for _, f := range ciValueFiles {
		if out, err := h.run("lint", "--strict", chartDir(), "-f", filepath.Join(chartDir(), "ci", f)); err != nil {
			t.Errorf("helm lint with ci/%s: %v\n%s", f, err, out)
		}
	}
	required := []string{"--set", "temporal.address=t:7233", "--set", "vpsie.credentials.existingSecret=c"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "temporal.address is required"},
		{[]string{"--set", "temporal.address=t:7233"}, "vpsie.credentials.existingSecret is required"},
		{append(slices.Clone(required), "--set", "config.controller.namespace=x"), "additional properties 'namespace' not allowed"},
		{append(slices.Clone(required), "--set", "config.vpsie.rateLimit=5"), "additional properties 'rateLimit' not allowed"},
		{append(slices.Clone(required), "--set", "config.logging.level=verbose"), "/config/logging/level"},
		{append(slices.Clone(required), "--set-string", "config.controller.leaseDuration=15"), "/config/controller/leaseDuration"},
		{append(slices.Clone(required), "--set", "temporal.apiKey.existingSecret=k"), "temporal.tls.enabled must be true"},
		{append(slices.Clone(required), "--set", "webhook.enabled=true", "--set", "webhook.timeoutSeconds=60"), "/webhook/timeoutSeconds"},
		{append(slices.Clone(required), "--set", "webhook.enabled=true", "--set", "webhook.certManager.enabled=true",
			"--set", "webhook.certManager.issuerRef.kind=ClusterIssuer"), "webhook.certManager.issuerRef.name is required"},
		{append(slices.Clone(required), "--set", "temporal.address=no-port"), "must be host:port"},
	} {
		out, err := h.run(append([]string{"template", "r", chartDir()}, tc.args...)...)
		if err == nil || !strings.Contains(out, tc.want) {
			t.Errorf("helm template %v: err %v, output %q; want a failure mentioning %q", tc.args, err, lastLines(out, 5), tc.want)
		}
	}
	// The webhooks need no value beyond the two required ones.
	if out, err := h.run(append([]string{"template", "r", chartDir()}, append(required, "--set", "webhook.enabled=true")...)...); err != nil {
		t.Errorf("helm template with --set webhook.enabled=true: %v\n%s", err, lastLines(out, 5))
	}
}

// ciValueFiles are the value files of charts/vpsie-autoscaler/ci: the two required values, every option set
// (the webhooks with cert-manager included), the webhooks with the chart-generated CA.
var ciValueFiles = []string{"required-values.yaml", "full-values.yaml", "webhook-values.yaml"}

// TestChartRenderedConfigIsAcceptedByTheAutoscaler loads the config file the
// chart renders with the autoscaler's own strict loader.
func TestChartRenderedConfigIsAcceptedByTheAutoscaler(t *testing.T) {
	h := newHelm(t, "")
	mountedFiles := map[string]bool{"temporal.tls.caFile": true, "temporal.tls.certFile": true,
		"temporal.tls.keyFile": true, "temporal.apiKeyFile": true, "vpsie.caFile": true, "webhook.certDir": true}
	for _, f := range ciValueFiles {
		docs := h.template(t, "rel", "autoscaler-ns", "-f", filepath.Join(chartDir(), "ci", f))
		cm := findDoc(t, docs, "ConfigMap", "")
		text, _, _ := unstructured.NestedString(cm.Object, "data", "config.yaml")
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load([]string{"--config=" + path}, nil)
		for _, e := range joined(err) {
			var fe *config.FieldError
			// The Secrets are mounted in the pod, not here: only their absence may be reported.
			if errors.As(e, &fe) && mountedFiles[fe.Path] && strings.Contains(fe.Problem, "does not exist") {
				continue
			}
			t.Errorf("ci/%s: the rendered config is refused: %v", f, e)
		}
		if cfg == nil {
			continue
		}
		if cfg.Controller.Namespace != "autoscaler-ns" || !cfg.Controller.LeaderElection {
			t.Errorf("ci/%s: namespace %q, leader election %v; want the release namespace, on", f,
				cfg.Controller.Namespace, cfg.Controller.LeaderElection)
		}
		if f != "required-values.yaml" {
			assertWebhookConfig(t, f, cfg, findDoc(t, docs, "Deployment", ""))
		}
		// Every key is written out, so the ConfigMap shows the whole configuration.
		var doc map[string]any
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatal(err)
		}
		for _, leaf := range configLeaves() {
			if _, ok := lookupPath(doc, leaf.path); !ok {
				t.Errorf("ci/%s: rendered config lacks %s", f, leaf.path)
			}
		}
	}
}

// TestChartTemplateAppliesWithServerSideDryRun applies `helm template` output
// (CRDs included) to the real kube-apiserver with a server-side dry-run: every
// object passes the API server's validation with strict field checking, with
// only the two required values and with every option set. The pod template is
// also dry-run as a Pod in a namespace that enforces Pod Security "restricted".
func TestChartTemplateAppliesWithServerSideDryRun(t *testing.T) {
	env := needKube(t)
	ctx := context.Background()
	h := newHelm(t, "")
	ns := newNamespace(t, env.Client)
	ensureNamespace(t, "vpsie-secrets") // full-values.yaml keeps the credentials there
	installServiceMonitorCRD(t)
	installPrometheusRuleCRD(t)
	ensureNamespace(t, "monitoring") // full-values.yaml puts the dashboards' ConfigMaps there
	installCertManagerCRDs(t)        // full-values.yaml has the webhooks' certificate issued by cert-manager

	cases := map[string][]string{
		"two --set": {"--set", "temporal.address=temporal-frontend.temporal.svc:7233",
			"--set", "vpsie.credentials.existingSecret=vpsie-credentials"},
		"full values":            {"-f", filepath.Join(chartDir(), "ci", "full-values.yaml")},
		"webhooks, generated CA": {"-f", filepath.Join(chartDir(), "ci", "webhook-values.yaml")},
	}
	// The Node deletion guard is on by default: the two required values alone install it
	// with the chart-generated certificate.
	wantWebhook := map[string][]string{
		"two --set": {"validatingwebhookconfiguration.admissionregistration.k8s.io/", "mutatingwebhookconfiguration.admissionregistration.k8s.io/",
			"secret/dry-vpsie-autoscaler-webhook-tls", "service/dry-vpsie-autoscaler-webhook"},
		"full values": {"validatingwebhookconfiguration.admissionregistration.k8s.io/", "mutatingwebhookconfiguration.admissionregistration.k8s.io/",
			"certificate.cert-manager.io/", "service/autoscaler-webhook",
			"prometheusrule.monitoring.coreos.com/autoscaler", "configmap/autoscaler-dashboard-nodegroup"},
		"webhooks, generated CA": {"validatingwebhookconfiguration.admissionregistration.k8s.io/", "mutatingwebhookconfiguration.admissionregistration.k8s.io/",
			"secret/dry-vpsie-autoscaler-webhook-tls", "service/dry-vpsie-autoscaler-webhook"},
	}
	for name, args := range cases {
		rendered := h.render(t, "dry", ns, append([]string{"--include-crds"}, args...)...)
		file := filepath.Join(t.TempDir(), "rendered.yaml")
		if err := os.WriteFile(file, []byte(rendered), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := env.Kubectl("apply", "--server-side", "--dry-run=server", "--force-conflicts",
			"--field-manager=chart-test", "--validate=strict", "-f", file)
		if err != nil {
			t.Errorf("%s: server-side dry-run refused the chart: %v", name, err)
			continue
		}
		for _, want := range append([]string{"deployment.apps/", "clusterrole.rbac.authorization.k8s.io/",
			"networkpolicy.networking.k8s.io/", "poddisruptionbudget.policy/", "customresourcedefinition.apiextensions.k8s.io/nodegroups"},
			wantWebhook[name]...) {
			if !strings.Contains(out, want) {
				t.Errorf("%s: dry-run output lacks %s:\n%s", name, want, out)
			}
		}
		dep := findDoc(t, decodeDocs(t, rendered), "Deployment", "")
		assertPodSecurityRestricted(ctx, t, dep)
	}
}

// assertPodSecurityRestricted creates the Deployment's pod template as a Pod,
// dry-run, in a namespace enforcing Pod Security "restricted"; a copy running
// as root must be refused there, so the check is known to be active.
func assertPodSecurityRestricted(ctx context.Context, t *testing.T, dep *unstructured.Unstructured) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "restricted-", Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest"}}}
	if err := kube.Client.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	tmpl, _, _ := unstructured.NestedMap(dep.Object, "spec", "template")
	raw, _ := json.Marshal(tmpl)
	var pt corev1.PodTemplateSpec
	if err := json.Unmarshal(raw, &pt); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "pss", Namespace: ns.Name, Labels: pt.Labels}, Spec: pt.Spec}
	if err := kube.Client.Create(ctx, pod, client.DryRunAll); err != nil {
		t.Errorf("the chart's pod is refused by Pod Security restricted: %v", err)
	}
	root := pod.DeepCopy()
	root.Spec.SecurityContext.RunAsNonRoot, root.Spec.SecurityContext.RunAsUser = nil, ptrTo(int64(0))
	root.Spec.Containers[0].SecurityContext.RunAsNonRoot = nil
	if err := kube.Client.Create(ctx, root, client.DryRunAll); err == nil || !apierrors.IsForbidden(err) {
		t.Errorf("a root pod was not refused (err %v): Pod Security enforcement is not active, the check proves nothing", err)
	}
}

// TestChartInstallUpgradeUninstall installs the chart into the test apiserver,
// runs the autoscaler binary with the token of the chart's ServiceAccount and
// the config file from the chart's ConfigMap, and watches it do its job (take
// its Lease, read its credentials Secret, grow a NodeGroup to minNodes with the
// join Secret, reconcile the NodeGroup's status, terminate a VPSieNode with its
// VPS and Node, write events) with no request refused. Then it checks what the ServiceAccount may not do, upgrades the
// release and uninstalls it, and checks what stays.
func TestChartInstallUpgradeUninstall(t *testing.T) {
	env := needKube(t)
	ctx := context.Background()
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay = 0, 2*time.Second
	ph := newProcessHarness(t, simCfg)
	ns := ph.ns
	labelNamespace(t, ns, map[string]string{"pod-security.kubernetes.io/enforce": "restricted"})
	release := "chart-it"
	fullname := release + "-vpsie-autoscaler"
	h := newHelm(t, ph.kubeconfig)

	mkSecret(t, ns, "vpsie-credentials", map[string]string{vpsie.SecretKeyClientID: simCfg.ClientID,
		vpsie.SecretKeyClientSecret: simCfg.ClientSecret, vpsie.SecretKeyURL: ph.simURL})
	mkSecret(t, ns, "vpsie-join", map[string]string{"apiServerEndpoint": "10.0.0.1:6443",
		"token": "abcdef.0123456789abcdef", "caCertHash": "sha256:" + strings.Repeat("0", 64)})
	mkSecret(t, ns, "unrelated", map[string]string{"password": "not for the autoscaler"})

	// The two required values; the simulator speaks plain HTTP and the test
	// Temporal server has its own namespace, which a real install does not need. The
	// admission webhooks (on by default) are off here: no Service endpoint can answer
	// the test apiserver, so the Node deletion guard (failurePolicy Fail) would refuse the
	// termination's Node delete below. TestChartWebhookInstallUpgradeUninstall installs them.
	start := time.Now()
	if out, err := h.run("install", release, chartDir(), "-n", ns,
		"--set", "temporal.address="+ph.temporalAddr, "--set", "vpsie.credentials.existingSecret=vpsie-credentials",
		"--set", "temporal.namespace="+ph.temporalNS, "--set", "config.vpsie.allowInsecureHTTP=true",
		"--set", "webhook.enabled=false", "--timeout", "60s"); err != nil {
		t.Fatalf("helm install: %v\n%s", err, out)
	} else if !strings.Contains(out, "holderIdentity") || !strings.Contains(out, "clusterName is \"local\"") {
		t.Errorf("NOTES.txt does not say what to check next:\n%s", out)
	}
	t.Logf("helm install took %s", time.Since(start).Round(time.Millisecond))
	for _, obj := range []*unstructured.Unstructured{newObject("apps/v1", "Deployment"), newObject("v1", "ServiceAccount"),
		newObject("v1", "ConfigMap"), newObject("policy/v1", "PodDisruptionBudget"),
		newObject("networking.k8s.io/v1", "NetworkPolicy"), newObject("rbac.authorization.k8s.io/v1", "Role")} {
		if err := env.Client.Get(ctx, keyOf(ns, fullname), obj); err != nil {
			t.Errorf("after install: %s %s: %v", obj.GetKind(), fullname, err)
		}
	}

	assertAPIServerEgress(ctx, t, ns, fullname)

	// The autoscaler as the pod would run it: the chart's config file, the chart's ServiceAccount.
	var cm corev1.ConfigMap
	if err := env.Client.Get(ctx, keyOf(ns, fullname), &cm); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cm.Data["config.yaml"]), 0o600); err != nil {
		t.Fatal(err)
	}
	saKubeconfig, saClient := serviceAccountKubeconfig(t, ns, fullname, dir)
	p := testproc.Start(t, testproc.Spec{Name: "chart-sa", Bin: ph.bin, LogDir: dir, Args: []string{
		"--config=" + cfgPath, "--controller.kubeconfig=" + saKubeconfig, "--temporal.identity=chart-sa",
		"--logging.format=text",
		// The ScaleUp workflow below keeps waiting for a Node that never registers; a short drain
		// keeps the test short (the worker gives running activities two thirds of this).
		"--controller.graceful-shutdown-timeout=6s"}})
	lease := fullname + "-leader"
	eventually(t, "lease "+lease+" taken with the chart's RBAC", func() error { return leaseHolder(ctx, ns, lease, true) })

	// A NodeGroup below minNodes, in the simulator's catalogue: the scale-up
	// provisioner (informers on Pods, Nodes, DaemonSets) starts a ScaleUp
	// workflow that creates a VPSieNode and a VPS whose cloud-init carries the
	// join Secret's token.
	ng := validNodeGroup(ns, "g")
	ng.Spec.DatacenterID, ng.Spec.OfferingIDs, ng.Spec.OSImageID = "ams1", []string{"std-2c-4g"}, "ubuntu-24.04-x64"
	if err := env.Client.Create(ctx, ng); err != nil {
		t.Fatal(err)
	}
	// Later tests run autoscalers that watch every namespace: leave nothing they would act on.
	t.Cleanup(func() { purgeAutoscalerObjects(t, ns) })
	grow := time.Now()
	// The default joinMode: the node's own bootstrap token, made through the chart's kube-system Role.
	ownToken := regexp.MustCompile(`--token [a-z0-9]{6}\.[a-z0-9]{16}`)
	eventuallyWithin(t, 2*time.Minute, "a VPS made by scale-up with its own join token", func() error {
		for _, vm := range ph.sim.Snapshot().VMs {
			if ownToken.MatchString(vm.UserData) && !strings.Contains(vm.UserData, "abcdef.0123456789abcdef") {
				return nil
			}
		}
		return fmt.Errorf("no VPS with its own join token; %d VMs", len(ph.sim.Snapshot().VMs))
	})
	t.Logf("scale-up made its VPS %s after the NodeGroup", time.Since(grow).Round(100*time.Millisecond))
	var grown v1alpha1.VPSieNodeList
	if err := env.Client.List(ctx, &grown, client.InNamespace(ns), client.MatchingLabels{v1alpha1.LabelNodeGroup: "g"}); err != nil || len(grown.Items) == 0 {
		t.Errorf("scale-up made no VPSieNode for group g (%v)", err)
	}
	eventually(t, "nodegroup status written", func() error {
		var got v1alpha1.NodeGroup
		if err := env.Client.Get(ctx, keyOf(ns, "g"), &got); err != nil {
			return err
		}
		if got.Status.ObservedGeneration != got.Generation {
			return fmt.Errorf("observedGeneration %d, generation %d", got.Status.ObservedGeneration, got.Generation)
		}
		return nil
	})
	vm, err := ph.api.CreateVM(ctx, vpsie.CreateVMRequest{Hostname: "chart-rbac-a", OfferingID: "std-2c-4g",
		DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64"})
	if err != nil {
		t.Fatal(err)
	}
	memberNode(t, env.Client, ns, "other", "chart-rbac-a", v1alpha1.PhaseReady, nil)
	setVPSID(t, ns, "chart-rbac-a", vm.Identifier)
	registerNode(t, "chart-rbac-a", "vpsie://"+vm.Identifier, nil)
	eventually(t, "finalizer added", func() error { return hasFinalizer(ns, "chart-rbac-a") })
	deleteVPSieNode(t, ns, "chart-rbac-a")
	term := time.Now()
	eventuallyWithin(t, 2*time.Minute, "vpsienode, node and vps gone", func() error {
		if err := env.Client.Get(ctx, keyOf(ns, "chart-rbac-a"), &v1alpha1.VPSieNode{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("vpsienode: %v", err)
		}
		if err := env.Client.Get(ctx, client.ObjectKey{Name: "chart-rbac-a"}, &corev1.Node{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("node: %v", err)
		}
		if vms := ph.sim.Snapshot().VMsByHostname("chart-rbac-a"); len(vms) != 0 {
			return fmt.Errorf("vps: %+v", vms)
		}
		return nil
	})
	t.Logf("termination took %s", time.Since(term).Round(100*time.Millisecond))
	var events corev1.EventList
	if err := env.Client.List(ctx, &events, client.InNamespace(ns)); err != nil || len(events.Items) == 0 {
		t.Errorf("no events written in %s (%v)", ns, err)
	}
	stopping := time.Now()
	p.Terminate(t, 45*time.Second)
	t.Logf("SIGTERM to exit: %s", time.Since(stopping).Round(100*time.Millisecond))
	if err := leaseHolder(ctx, ns, lease, false); err != nil {
		t.Errorf("lease not released: %v", err)
	}
	if refused := grepLog(t, p.LogPath, "forbidden"); len(refused) > 0 {
		t.Errorf("the chart's RBAC refused requests of the autoscaler:\n%s", strings.Join(refused, "\n"))
	}

	// Least privilege: the ServiceAccount reads its own Secret by name and nothing more (with per-node tokens it
	// needs no join Secret).
	for _, name := range []string{"vpsie-credentials"} {
		if _, err := saClient.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{}); err != nil {
			t.Errorf("the ServiceAccount cannot read its Secret %s: %v", name, err)
		}
	}
	for what, call := range map[string]func() error{
		"get another Secret": func() error {
			_, err := saClient.CoreV1().Secrets(ns).Get(ctx, "unrelated", metav1.GetOptions{})
			return err
		},
		"list Secrets": func() error {
			_, err := saClient.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{})
			return err
		},
		"create a Lease in another namespace": func() error {
			_, err := saClient.CoordinationV1().Leases("default").Create(ctx,
				&coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{})
			return err
		},
		"delete a namespace": func() error {
			return saClient.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{DryRun: []string{"All"}})
		},
		"create a NodeGroup": func() error {
			return saClient.CoreV1().RESTClient().Post().AbsPath("/apis/autoscaler.vpsie.com/v1alpha1/namespaces", ns,
				"nodegroups").Body([]byte(`{"apiVersion":"autoscaler.vpsie.com/v1alpha1","kind":"NodeGroup","metadata":{"name":"x"}}`)).
				Do(ctx).Error()
		},
	} {
		if err := call(); !apierrors.IsForbidden(err) {
			t.Errorf("the ServiceAccount may %s (err %v), want forbidden", what, err)
		}
	}

	// Upgrade: a changed value reaches the ConfigMap and rolls the pods (checksum).
	before := podTemplateAnnotation(t, ns, fullname, "checksum/config")
	if out, err := h.run("upgrade", release, chartDir(), "-n", ns, "--reuse-values",
		"--set", "config.logging.level=debug", "--timeout", "60s"); err != nil {
		t.Fatalf("helm upgrade: %v\n%s", err, out)
	}
	if err := env.Client.Get(ctx, keyOf(ns, fullname), &cm); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cm.Data["config.yaml"], "level: debug") {
		t.Errorf("upgrade did not reach the config file:\n%s", cm.Data["config.yaml"])
	}
	if after := podTemplateAnnotation(t, ns, fullname, "checksum/config"); after == before {
		t.Errorf("config checksum unchanged (%s): pods would keep the old config", after)
	}
	if out, err := h.run("status", release, "-n", ns, "-o", "json"); err != nil || !strings.Contains(out, `"version":2`) {
		t.Errorf("helm status after upgrade: %v\n%s", err, lastLines(out, 3))
	}

	t.Logf("upgrade done")
	// Uninstall: the release's objects go; CRDs, NodeGroups and the user's Secrets stay.
	if out, err := h.run("uninstall", release, "-n", ns, "--wait", "--timeout", "60s"); err != nil {
		t.Fatalf("helm uninstall: %v\n%s", err, out)
	}
	for _, obj := range []*unstructured.Unstructured{newObject("apps/v1", "Deployment"), newObject("v1", "ConfigMap"),
		newObject("v1", "ServiceAccount"), newObject("rbac.authorization.k8s.io/v1", "Role")} {
		if err := env.Client.Get(ctx, keyOf(ns, fullname), obj); !apierrors.IsNotFound(err) {
			t.Errorf("after uninstall %s %s still exists: %v", obj.GetKind(), fullname, err)
		}
	}
	if err := env.Client.Get(ctx, client.ObjectKey{Name: fullname}, newObject("rbac.authorization.k8s.io/v1", "ClusterRole")); !apierrors.IsNotFound(err) {
		t.Errorf("after uninstall the ClusterRole still exists: %v", err)
	}
	for _, crd := range []string{"nodegroups.autoscaler.vpsie.com", "vpsienodes.autoscaler.vpsie.com"} {
		if err := env.Client.Get(ctx, client.ObjectKey{Name: crd}, newObject("apiextensions.k8s.io/v1", "CustomResourceDefinition")); err != nil {
			t.Errorf("uninstall removed the CRD %s: %v", crd, err)
		}
	}
	if err := env.Client.Get(ctx, keyOf(ns, "g"), &v1alpha1.NodeGroup{}); err != nil {
		t.Errorf("uninstall removed a NodeGroup: %v", err)
	}
	if err := env.Client.Get(ctx, keyOf(ns, "vpsie-credentials"), &corev1.Secret{}); err != nil {
		t.Errorf("uninstall removed the credentials Secret it does not own: %v", err)
	}
}

// purgeAutoscalerObjects deletes the NodeGroups and VPSieNodes of ns, finalizers
// included, once no autoscaler runs there to release them.
func purgeAutoscalerObjects(t *testing.T, ns string) {
	t.Helper()
	ctx := context.Background()
	var ngs v1alpha1.NodeGroupList
	var vns v1alpha1.VPSieNodeList
	if err := kube.Client.List(ctx, &ngs, client.InNamespace(ns)); err != nil {
		t.Error(err)
	}
	if err := kube.Client.List(ctx, &vns, client.InNamespace(ns)); err != nil {
		t.Error(err)
	}
	var objs []client.Object
	for i := range ngs.Items {
		objs = append(objs, &ngs.Items[i])
	}
	for i := range vns.Items {
		objs = append(objs, &vns.Items[i])
	}
	for _, o := range objs {
		if len(o.GetFinalizers()) > 0 {
			patch := client.MergeFrom(o.DeepCopyObject().(client.Object))
			o.SetFinalizers(nil)
			if err := kube.Client.Patch(ctx, o, patch); err != nil && !apierrors.IsNotFound(err) {
				t.Errorf("removing finalizers of %s: %v", o.GetName(), err)
			}
		}
		if err := kube.Client.Delete(ctx, o); err != nil && !apierrors.IsNotFound(err) {
			t.Errorf("deleting %s: %v", o.GetName(), err)
		}
	}
}

// assertAPIServerEgress checks the NetworkPolicy's API server rule against what
// `helm install` looked up: the addresses of the default/kubernetes
// EndpointSlice when there is one, any address otherwise.
func assertAPIServerEgress(ctx context.Context, t *testing.T, ns, name string) {
	t.Helper()
	var np networkingv1.NetworkPolicy
	if err := kube.Client.Get(ctx, keyOf(ns, name), &np); err != nil {
		t.Fatal(err)
	}
	if len(np.Spec.Egress) < 4 {
		t.Fatalf("NetworkPolicy egress has %d rules, want DNS, API server, Temporal, VPSie", len(np.Spec.Egress))
	}
	var got []string
	for _, p := range np.Spec.Egress[1].To {
		if p.IPBlock != nil {
			got = append(got, p.IPBlock.CIDR)
		}
	}
	want := []string{"0.0.0.0/0", "::/0"}
	var slice discoveryv1.EndpointSlice
	if err := kube.Client.Get(ctx, client.ObjectKey{Namespace: "default", Name: "kubernetes"}, &slice); err == nil {
		var addrs []string
		for _, e := range slice.Endpoints {
			for _, a := range e.Addresses {
				addrs = append(addrs, a+"/32")
			}
		}
		if len(addrs) > 0 {
			want = addrs
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("API server egress to %v, want %v", got, want)
	}
	t.Logf("API server egress rule: %v", got)
}

// serviceAccountKubeconfig writes a kubeconfig with a token of the
// ServiceAccount from the TokenRequest API, as the kubelet mounts one.
func serviceAccountKubeconfig(t *testing.T, ns, sa, dir string) (string, *kubernetes.Clientset) {
	t.Helper()
	admin, err := kubernetes.NewForConfig(kube.Config)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := admin.CoreV1().ServiceAccounts(ns).CreateToken(context.Background(), sa, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptrTo(int64(3600))}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("requesting a token for %s/%s: %v", ns, sa, err)
	}
	host := kube.Config.Host
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["test"] = &clientcmdapi.Cluster{Server: host, CertificateAuthorityData: kube.Config.CAData}
	kc.AuthInfos["sa"] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	kc.Contexts["sa"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "sa", Namespace: ns}
	kc.CurrentContext = "sa"
	path := filepath.Join(dir, "sa.kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	rc, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	return path, cs
}

func grepLog(t *testing.T, path, word string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(strings.ToLower(line), word) {
			out = append(out, line)
		}
	}
	return out
}

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
