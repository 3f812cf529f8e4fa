package integration

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

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
