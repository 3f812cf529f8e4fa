package integration

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/freeport"
	"github.com/vpsie/vpsie-autoscaler/internal/webhook"
)

// The chart's admission webhooks: the configurations it renders are deploy/webhook's (same webhooks, rules, paths
// and failure policies), the pod serves them with the certificate the chart mounts, and a chart-generated
// certificate survives upgrades and goes with the release.

// TestChartWebhookConfigurationsMatchDeploy renders the chart with the webhooks on and compares each webhook with
// its namesake in deploy/webhook, field by field except where it points (the release's Service) and the CA.
func TestChartWebhookConfigurationsMatchDeploy(t *testing.T) {
	h := newHelm(t, "")
	docs := h.template(t, "rel", "wh-ns", "-f", filepath.Join(chartDir(), "ci", "webhook-values.yaml"))
	var chartV, deployV admissionregistrationv1.ValidatingWebhookConfiguration
	var chartM, deployM admissionregistrationv1.MutatingWebhookConfiguration
	fromUnstructured(t, findDoc(t, docs, "ValidatingWebhookConfiguration", "rel-vpsie-autoscaler"), &chartV)
	fromUnstructured(t, findDoc(t, docs, "MutatingWebhookConfiguration", "rel-vpsie-autoscaler"), &chartM)
	readManifest(t, "validating.yaml", &deployV)
	readManifest(t, "mutating.yaml", &deployM)

	type comparable struct {
		Name, Path, FailurePolicy, SideEffects, MatchPolicy, Reinvocation string
		Port, Timeout                                                     int32
		Rules, Versions                                                   string
	}
	flat := func(name string, cc admissionregistrationv1.WebhookClientConfig, fp *admissionregistrationv1.FailurePolicyType,
		se *admissionregistrationv1.SideEffectClass, mp *admissionregistrationv1.MatchPolicyType,
		rp *admissionregistrationv1.ReinvocationPolicyType, timeout *int32, rules []admissionregistrationv1.RuleWithOperations,
		versions []string) comparable {
		r, _ := json.Marshal(rules)
		c := comparable{Name: name, Rules: string(r), Versions: strings.Join(versions, ",")}
		if cc.Service != nil {
			c.Path, c.Port = deref(cc.Service.Path), deref(cc.Service.Port)
		}
		c.FailurePolicy, c.SideEffects, c.MatchPolicy = string(deref(fp)), string(deref(se)), string(deref(mp))
		c.Reinvocation, c.Timeout = string(deref(rp)), deref(timeout)
		return c
	}
	validating := func(cfg admissionregistrationv1.ValidatingWebhookConfiguration) map[string]comparable {
		out := map[string]comparable{}
		for _, w := range cfg.Webhooks {
			out[w.Name] = flat(w.Name, w.ClientConfig, w.FailurePolicy, w.SideEffects, w.MatchPolicy, nil, w.TimeoutSeconds,
				w.Rules, w.AdmissionReviewVersions)
		}
		return out
	}
	mutating := func(cfg admissionregistrationv1.MutatingWebhookConfiguration) map[string]comparable {
		out := map[string]comparable{}
		for _, w := range cfg.Webhooks {
			out[w.Name] = flat(w.Name, w.ClientConfig, w.FailurePolicy, w.SideEffects, w.MatchPolicy, w.ReinvocationPolicy,
				w.TimeoutSeconds, w.Rules, w.AdmissionReviewVersions)
		}
		return out
	}
	for what, pair := range map[string][2]map[string]comparable{
		"validating": {validating(chartV), validating(deployV)},
		"mutating":   {mutating(chartM), mutating(deployM)},
	} {
		got, want := pair[0], pair[1]
		if len(got) != len(want) {
			t.Errorf("%s: the chart has %d webhooks, deploy/webhook %d", what, len(got), len(want))
		}
		for name, w := range want {
			if g, ok := got[name]; !ok {
				t.Errorf("%s: the chart lacks %s", what, name)
			} else if g != w {
				t.Errorf("%s %s differs:\n chart  %+v\n deploy %+v", what, name, g, w)
			}
		}
	}
	if fp := deref(chartV.Webhooks[0].FailurePolicy); chartV.Webhooks[0].Name != "node-deletion.autoscaler.vpsie.com" || fp != admissionregistrationv1.Fail {
		t.Errorf("first validating webhook %s has failurePolicy %s, want the node guard with Fail", chartV.Webhooks[0].Name, fp)
	}

	// The Service: 443 to the container port named webhook, which is webhook.port (deploy/webhook: 443 to 9443).
	var svc, deploySvc corev1.Service
	fromUnstructured(t, findDoc(t, docs, "Service", "rel-vpsie-autoscaler-webhook"), &svc)
	readManifest(t, "service.yaml", &deploySvc)
	var dep appsv1.Deployment
	fromUnstructured(t, findDoc(t, docs, "Deployment", ""), &dep)
	containerPort := int32(0)
	for _, p := range dep.Spec.Template.Spec.Containers[0].Ports {
		if p.Name == "webhook" {
			containerPort = p.ContainerPort
		}
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != deploySvc.Spec.Ports[0].Port ||
		svc.Spec.Ports[0].TargetPort != intstr.FromString("webhook") || containerPort != deploySvc.Spec.Ports[0].TargetPort.IntVal {
		t.Errorf("webhook Service ports %+v to container port %d; deploy/webhook routes %d to %s", svc.Spec.Ports, containerPort,
			deploySvc.Spec.Ports[0].Port, deploySvc.Spec.Ports[0].TargetPort.String())
	}
	for k, v := range deploySvc.Spec.Selector {
		if svc.Spec.Selector[k] != v {
			t.Errorf("webhook Service selector %v lacks deploy/webhook's %s=%s", svc.Spec.Selector, k, v)
		}
	}
}

// assertWebhookConfig checks the rendered config's webhook keys against the Deployment: the port is the container
// port named webhook, certDir is where the certificate Secret is mounted read-only, the ServiceAccount is the pod's.
func assertWebhookConfig(t *testing.T, file string, cfg *config.Config, depDoc *unstructured.Unstructured) {
	t.Helper()
	var dep appsv1.Deployment
	fromUnstructured(t, depDoc, &dep)
	pod := dep.Spec.Template.Spec
	w := cfg.Webhook
	if !w.Enabled || w.ServiceAccount != pod.ServiceAccountName {
		t.Errorf("ci/%s: webhook enabled %v, serviceAccount %q; want on, the pod's %q", file, w.Enabled, w.ServiceAccount, pod.ServiceAccountName)
	}
	port, mounted := int32(0), false
	for _, p := range pod.Containers[0].Ports {
		if p.Name == "webhook" {
			port = p.ContainerPort
		}
	}
	secret := ""
	for _, v := range pod.Volumes {
		if v.Name == "webhook-tls" && v.Secret != nil {
			secret = v.Secret.SecretName
		}
	}
	for _, m := range pod.Containers[0].VolumeMounts {
		if m.Name == "webhook-tls" && m.MountPath == w.CertDir && m.ReadOnly {
			mounted = true
		}
	}
	if int(port) != w.Port || !mounted || !strings.HasSuffix(secret, "-webhook-tls") {
		t.Errorf("ci/%s: config port %d certDir %s; container port %d, certificate Secret %q mounted read-only there: %v",
			file, w.Port, w.CertDir, port, secret, mounted)
	}
	if file == "full-values.yaml" && (w.ExemptUsers != "admin@example.com" || w.ExemptGroups != "system:masters,platform-admins") {
		t.Errorf("ci/%s: exemptUsers %q, exemptGroups %q", file, w.ExemptUsers, w.ExemptGroups)
	}
}

// TestChartWebhookInstallUpgradeUninstall installs the chart with `--set webhook.enabled=true` and nothing else
// beyond the required values, so the chart generates the CA and serving certificate. It checks that the
// configurations trust that CA, that the autoscaler's webhook server given the Secret's files is verified by the
// caBundle under the Service's DNS name and answers, that the guard is in force (failurePolicy Fail: with no replica
// answering a Node cannot be deleted), that `helm upgrade` keeps the certificate and the CA bundle byte for byte, and
// that `helm uninstall` removes both configurations, after which the Node can be deleted again.
func TestChartWebhookInstallUpgradeUninstall(t *testing.T) {
	env := needKube(t)
	ctx := context.Background()
	ns := newNamespace(t, env.Client)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := env.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	h := newHelm(t, kubeconfig)
	release := "wh-it"
	fullname := release + "-vpsie-autoscaler"
	svcName := fullname + "-webhook"
	// A failurePolicy Fail configuration left behind would refuse every Node deletion of the tests that follow.
	t.Cleanup(func() {
		_ = env.Client.Delete(ctx, &admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: fullname}})
		_ = env.Client.Delete(ctx, &admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: fullname}})
	})

	if out, err := h.run("install", release, chartDir(), "-n", ns, "--set", "temporal.address=temporal.example:7233",
		"--set", "vpsie.credentials.existingSecret=vpsie-credentials", "--set", "webhook.enabled=true", "--timeout", "60s"); err != nil {
		t.Fatalf("helm install --set webhook.enabled=true: %v\n%s", err, out)
	} else if !strings.Contains(out, "kubectl delete validatingwebhookconfiguration "+fullname) {
		t.Errorf("NOTES.txt does not say how to remove the webhook in an emergency:\n%s", out)
	}
	secret, vwc, mwc := webhookObjects(ctx, t, ns, fullname)
	caPEM := secret.Data["ca.crt"]
	leaf := assertServingPair(t, secret, caPEM, svcName+"."+ns+".svc")
	for _, w := range vwc.Webhooks {
		assertClientConfig(t, w.Name, w.ClientConfig, svcName, ns, caPEM)
	}
	for _, w := range mwc.Webhooks {
		assertClientConfig(t, w.Name, w.ClientConfig, svcName, ns, caPEM)
	}
	if len(vwc.Webhooks) != 3 || len(mwc.Webhooks) != 1 {
		t.Errorf("%d validating and %d mutating webhooks, want 3 and 1", len(vwc.Webhooks), len(mwc.Webhooks))
	}
	var np networkingv1.NetworkPolicy
	if err := env.Client.Get(ctx, keyOf(ns, fullname), &np); err != nil {
		t.Fatal(err)
	}
	if !ingressAllows(np, 9443) {
		t.Errorf("the NetworkPolicy does not let the API server reach the webhook port 9443: %+v", np.Spec.Ingress)
	}
	assertChartCertificateServes(t, secret, svcName+"."+ns+".svc")

	// The guard is in force: no replica answers (the test cluster runs no pods), so failurePolicy Fail refuses.
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "wh-it-" + ns}}
	if err := env.Client.Create(ctx, node); err != nil {
		t.Fatal(err)
	}
	eventuallyWithin(t, 30*time.Second, "the node guard refusing while no replica answers", func() error {
		err := env.Client.Delete(ctx, node, client.DryRunAll)
		if err == nil || !strings.Contains(err.Error(), "node-deletion.autoscaler.vpsie.com") {
			return fmt.Errorf("want the webhook's failure, got %v", err)
		}
		return nil
	})

	// Upgrade, with a changed value and with none: the certificate and the CA bundle are kept byte for byte.
	for i, args := range [][]string{{"--reuse-values", "--set", "config.logging.level=debug"}, {"--reuse-values"}} {
		if out, err := h.run(append([]string{"upgrade", release, chartDir(), "-n", ns, "--timeout", "60s"}, args...)...); err != nil {
			t.Fatalf("helm upgrade %v: %v\n%s", args, err, out)
		}
		s2, v2, m2 := webhookObjects(ctx, t, ns, fullname)
		for _, k := range []string{"tls.crt", "tls.key", "ca.crt"} {
			if !bytes.Equal(s2.Data[k], secret.Data[k]) {
				t.Errorf("upgrade %d replaced %s of the webhook Secret", i+1, k)
			}
		}
		for _, w := range v2.Webhooks {
			if !bytes.Equal(w.ClientConfig.CABundle, caPEM) {
				t.Errorf("upgrade %d changed the caBundle of %s", i+1, w.Name)
			}
		}
		if !bytes.Equal(m2.Webhooks[0].ClientConfig.CABundle, caPEM) {
			t.Errorf("upgrade %d changed the caBundle of %s", i+1, m2.Webhooks[0].Name)
		}
	}
	t.Logf("webhook certificate serial %s kept through two upgrades (valid until %s)", leaf.SerialNumber, leaf.NotAfter.Format(time.DateOnly))

	if out, err := h.run("uninstall", release, "-n", ns, "--wait", "--timeout", "60s"); err != nil {
		t.Fatalf("helm uninstall: %v\n%s", err, out)
	}
	if err := env.Client.Get(ctx, client.ObjectKey{Name: fullname}, &admissionregistrationv1.ValidatingWebhookConfiguration{}); !apierrors.IsNotFound(err) {
		t.Errorf("after uninstall the ValidatingWebhookConfiguration (failurePolicy Fail) is still there: %v", err)
	}
	if err := env.Client.Get(ctx, client.ObjectKey{Name: fullname}, &admissionregistrationv1.MutatingWebhookConfiguration{}); !apierrors.IsNotFound(err) {
		t.Errorf("after uninstall the MutatingWebhookConfiguration is still there: %v", err)
	}
	for name, obj := range map[string]client.Object{fullname + "-webhook-tls": &corev1.Secret{}, svcName: &corev1.Service{}} {
		if err := env.Client.Get(ctx, keyOf(ns, name), obj); !apierrors.IsNotFound(err) {
			t.Errorf("after uninstall %T %s is still there: %v", obj, name, err)
		}
	}
	eventuallyWithin(t, 30*time.Second, "the node deletable once the configuration is gone", func() error {
		return env.Client.Delete(ctx, node)
	})
}

func webhookObjects(ctx context.Context, t *testing.T, ns, fullname string) (corev1.Secret, admissionregistrationv1.ValidatingWebhookConfiguration,
	admissionregistrationv1.MutatingWebhookConfiguration) {
	t.Helper()
	var s corev1.Secret
	var v admissionregistrationv1.ValidatingWebhookConfiguration
	var m admissionregistrationv1.MutatingWebhookConfiguration
	if err := kube.Client.Get(ctx, keyOf(ns, fullname+"-webhook-tls"), &s); err != nil {
		t.Fatalf("webhook Secret: %v", err)
	}
	if err := kube.Client.Get(ctx, client.ObjectKey{Name: fullname}, &v); err != nil {
		t.Fatalf("ValidatingWebhookConfiguration: %v", err)
	}
	if err := kube.Client.Get(ctx, client.ObjectKey{Name: fullname}, &m); err != nil {
		t.Fatalf("MutatingWebhookConfiguration: %v", err)
	}
	return s, v, m
}

// assertServingPair checks the Secret holds a key pair whose certificate the CA signed for dnsName.
func assertServingPair(t *testing.T, s corev1.Secret, caPEM []byte, dnsName string) *x509.Certificate {
	t.Helper()
	if s.Type != corev1.SecretTypeTLS {
		t.Errorf("webhook Secret type %s, want %s", s.Type, corev1.SecretTypeTLS)
	}
	pair, err := tls.X509KeyPair(s.Data["tls.crt"], s.Data["tls.key"])
	if err != nil {
		t.Fatalf("webhook Secret: tls.crt and tls.key are not a pair: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.crt holds no certificate")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: dnsName,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Errorf("the serving certificate does not verify for %s against ca.crt: %v", dnsName, err)
	}
	return leaf
}

func assertClientConfig(t *testing.T, name string, cc admissionregistrationv1.WebhookClientConfig, svc, ns string, caPEM []byte) {
	t.Helper()
	if cc.Service == nil || cc.Service.Name != svc || cc.Service.Namespace != ns || deref(cc.Service.Port) != 443 {
		t.Errorf("%s points at %+v, want %s/%s:443", name, cc.Service, ns, svc)
	}
	if !bytes.Equal(cc.CABundle, caPEM) {
		t.Errorf("%s: caBundle is not the Secret's ca.crt", name)
	}
}

func ingressAllows(np networkingv1.NetworkPolicy, port int) bool {
	for _, r := range np.Spec.Ingress {
		for _, p := range r.Ports {
			if p.Port != nil && p.Port.IntValue() == port {
				return true
			}
		}
	}
	return false
}

// assertChartCertificateServes runs the autoscaler's webhook server with the Secret's files as its certDir (what
// the pod mounts) and calls it as the API server would: TLS verified with the Secret's CA under the Service's DNS
// name, an AdmissionReview for deleting an unmanaged Node, which the guard denies.
func assertChartCertificateServes(t *testing.T, s corev1.Secret, dnsName string) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"tls.crt", "tls.key"} {
		if err := os.WriteFile(filepath.Join(dir, k), s.Data[k], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := webhook.NewServer(webhook.ServerOptions{CertDir: dir, Logger: logr.Discard(),
		Options: webhook.Options{Guard: webhook.NodeGuard{AutoscalerUser: "system:serviceaccount:x:y"}}})
	if err != nil {
		t.Fatalf("the webhook server refuses the chart's certificate: %v", err)
	}
	ln, err := freeport.Listen("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	runUntilCleanup(t, "webhook server with the chart's certificate", func(ctx context.Context) error { return srv.Serve(ctx, ln) })
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.Data["ca.crt"])
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: dnsName, MinVersion: tls.VersionTLS12}}}
	review := `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"chart-1",` +
		`"kind":{"group":"","version":"v1","kind":"Node"},"resource":{"group":"","version":"v1","resource":"nodes"},` +
		`"name":"worker-1","operation":"DELETE","userInfo":{"username":"someone"},` +
		`"oldObject":{"apiVersion":"v1","kind":"Node","metadata":{"name":"worker-1"}}}}`
	var body []byte
	eventuallyWithin(t, 10*time.Second, "the webhook server answering over the chart's certificate", func() error {
		resp, err := hc.Post("https://"+ln.Addr().String()+"/validate-node", "application/json", strings.NewReader(review))
		if err != nil {
			return err
		}
		defer func() { _ = resp.Body.Close() }()
		body, err = io.ReadAll(resp.Body)
		return err
	})
	if !strings.Contains(string(body), `"allowed":false`) || !strings.Contains(string(body), `worker-1`) {
		t.Errorf("the guard's answer over the chart's certificate: %s", body)
	}
}

// installCertManagerCRDs stands in for cert-manager: Issuer and Certificate CRDs that accept any spec, so a
// server-side dry-run can check the rest of the chart rendered with cert-manager.
func installCertManagerCRDs(t *testing.T) {
	t.Helper()
	var docs []string
	for _, kind := range []string{"Issuer", "Certificate"} {
		lower := strings.ToLower(kind)
		docs = append(docs, fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: %[1]ss.cert-manager.io}
spec:
  group: cert-manager.io
  scope: Namespaced
  names: {kind: %[2]s, listKind: %[2]sList, plural: %[1]ss, singular: %[1]s}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
`, lower, kind))
	}
	file := filepath.Join(t.TempDir(), "cert-manager-crds.yaml")
	if err := os.WriteFile(file, []byte(strings.Join(docs, "---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := kube.Kubectl("apply", "--server-side", "-f", file); err != nil {
		t.Fatalf("installing cert-manager CRDs: %v\n%s", err, out)
	}
	eventually(t, "cert-manager CRDs established", func() error {
		_, err := kube.Kubectl("get", "certificates.cert-manager.io,issuers.cert-manager.io", "-A")
		return err
	})
}

func fromUnstructured(t *testing.T, u *unstructured.Unstructured, into any) {
	t.Helper()
	raw, err := json.Marshal(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, into); err != nil {
		t.Fatalf("%s %s: %v", u.GetKind(), u.GetName(), err)
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
