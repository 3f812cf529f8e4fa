package integration

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/go-logr/logr"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/freeport"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/webhook"
	"github.com/vpsie/vpsie-autoscaler/internal/webhook/selfsigned"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// webhookMarker labels the Nodes this test makes; the node guard installed here
// only sees them, so other tests' Node deletions are untouched.
const webhookMarker = "it.autoscaler.vpsie.com/webhook"

// TestWebhookAgainstTheRealAPIServer installs deploy/webhook's configurations,
// pointed at the webhook server on 127.0.0.1 with a generated CA (and scoped
// to this test's Nodes and namespace), and drives them through kubectl and the
// client as users would.
func TestWebhookAgainstTheRealAPIServer(t *testing.T) {
	env := needKube(t)
	ctx := context.Background()
	ns := newNamespace(t, env.Client)
	w := startWebhook(t)
	installWebhookConfigurations(t, env, w, ns)

	mkNode := func(t *testing.T, labels map[string]string) string {
		t.Helper()
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{GenerateName: "it-wh-", Labels: labels}}
		n.Labels[webhookMarker] = ns
		if err := env.Client.Create(ctx, n); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = env.Client.Delete(ctx, n) }) // the admin test client is not exempt: best effort
		return n.Name
	}
	waitForGuard(t, env, mkNode(t, map[string]string{}))

	t.Run("kubectl delete of an unmanaged node is denied with the rule", func(t *testing.T) {
		name := mkNode(t, map[string]string{})
		_, err := env.Kubectl("delete", "node", name)
		wantDenied(t, err, fmt.Sprintf("deleting node %q is denied", name), "is not labelled autoscaler.vpsie.com/managed=true")
		if err := env.Client.Get(ctx, client.ObjectKey{Name: name}, &corev1.Node{}); err != nil {
			t.Errorf("the node is gone: %v", err)
		}
	})
	t.Run("kubectl delete of a managed node deletes it", func(t *testing.T) {
		name := mkNode(t, map[string]string{v1alpha1.LabelManaged: "true"})
		if _, err := env.Kubectl("delete", "node", name); err != nil {
			t.Fatal(err)
		}
		if err := env.Client.Get(ctx, client.ObjectKey{Name: name}, &corev1.Node{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after delete: %v", err)
		}
	})
	t.Run("a control-plane node is denied even to an exempt user", func(t *testing.T) {
		name := mkNode(t, map[string]string{"node-role.kubernetes.io/control-plane": "", v1alpha1.LabelManaged: "true"})
		_, err := env.Kubectl("--as=exempt-admin", "--as-group=system:masters", "delete", "node", name)
		wantDenied(t, err, fmt.Sprintf("deleting node %q is denied", name), "control-plane nodes")
	})
	t.Run("an exempt user deletes an unmanaged node", func(t *testing.T) {
		name := mkNode(t, map[string]string{})
		if _, err := env.Kubectl("--as=exempt-admin", "--as-group=system:masters", "delete", "node", name); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the autoscaler's service account may not delete an unmanaged node", func(t *testing.T) {
		name := mkNode(t, map[string]string{})
		_, err := env.Kubectl("--as=system:serviceaccount:vpsie-autoscaler:vpsie-autoscaler",
			"--as-group=system:masters", "delete", "node", name)
		wantDenied(t, err, "the autoscaler (system:serviceaccount:vpsie-autoscaler:vpsie-autoscaler) deletes only nodes labelled")
	})
	t.Run("an invalid NodeGroup is rejected with field-level messages", func(t *testing.T) {
		ng := validNodeGroup(ns, "invalid")
		ng.Spec.OfferingIDs = []string{"std-2-4", "gpu-xl"}
		ng.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{
			{Start: "02:00", DurationMinutes: 60, TimeZone: "Mars/Olympus"}}
		err := env.Client.Create(ctx, ng)
		wantDenied(t, err, `spec.offeringIDs[1]: offering "gpu-xl" is not in the VPSie catalogue`,
			`spec.rebalancePolicy.maintenanceWindows[0].timeZone: unknown time zone "Mars/Olympus"`)
		if !apierrors.IsInvalid(err) {
			t.Errorf("want a 422 Invalid, got %v", err)
		}
	})
	t.Run("an image the default bootstrap cannot install is refused with the supported list", func(t *testing.T) {
		ng := validNodeGroup(ns, "centos")
		ng.Spec.OSImageID = "centos-9-x64"
		wantDenied(t, env.Client.Create(ctx, ng), `spec.osImageID: image "centos-9-x64" is not one the default bootstrap `+
			`supports: ubuntu-22.04, ubuntu-24.04, debian-12`)
	})
	t.Run("an invalid VPSieNode is rejected", func(t *testing.T) {
		vn := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "vn"},
			Spec: v1alpha1.VPSieNodeSpec{NodeGroup: "g", OfferingID: "std-2-4", DatacenterID: "dc-mars", ImageID: "i", Hostname: "h"}}
		wantDenied(t, env.Client.Create(ctx, vn), `spec.datacenterID: datacenter "dc-mars" is not in the VPSie catalogue`)
	})
	t.Run("defaults are visible on a created NodeGroup", func(t *testing.T) {
		ng := validNodeGroup(ns, "defaulted")
		ng.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{{Start: "02:00", DurationMinutes: 60}}
		// The mutating configuration is a second object the apiserver may load a moment later.
		eventuallyWithin(t, 30*time.Second, "the defaulting webhook active", func() error {
			probe := ng.DeepCopy()
			if err := env.Client.Create(ctx, probe, client.DryRunAll); err != nil {
				return err
			}
			if tz := probe.Spec.RebalancePolicy.MaintenanceWindows[0].TimeZone; tz != "UTC" {
				return fmt.Errorf("timeZone %q", tz)
			}
			return nil
		})
		if err := env.Client.Create(ctx, ng); err != nil {
			t.Fatal(err)
		}
		out, err := env.Kubectl("get", "nodegroup", "-n", ns, "defaulted", "-o", "yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"timeZone: UTC", "strategy: rolling", "maxSurge: 1", "enabled: true"} {
			if !strings.Contains(out, want) {
				t.Errorf("kubectl get -o yaml lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("a certificate rotated on disk is served without a restart", func(t *testing.T) {
		// Rotate to a certificate from a new CA. While the apiserver trusts both
		// CAs the new pair goes on disk; once the server serves it, the
		// apiserver is told to trust only the new CA, and the guard must still
		// answer: it can only do so with the rotated certificate.
		ca2, err := selfsigned.NewCA("webhook-it-ca-2")
		if err != nil {
			t.Fatal(err)
		}
		setCABundle(t, env, w, append(append([]byte{}, w.ca.PEM...), ca2.PEM...))
		serial, err := ca2.WriteServing(w.dir, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		eventuallyWithin(t, 20*time.Second, "the rotated certificate served", func() error {
			if got := servedSerial(w.addr, ca2.PEM); got == nil || got.Cmp(serial) != 0 {
				return fmt.Errorf("serving serial %v, want the rotated %v", got, serial)
			}
			return nil
		})
		setCABundle(t, env, w, ca2.PEM)
		name := mkNode(t, map[string]string{})
		eventuallyWithin(t, 30*time.Second, "the guard answering with the rotated certificate", func() error {
			_, err := env.Kubectl("delete", "node", name, "--dry-run=server")
			if err == nil || !strings.Contains(err.Error(), "is not labelled autoscaler.vpsie.com/managed=true") {
				return fmt.Errorf("want the guard's denial through the rotated certificate, got %v", err)
			}
			return nil
		})
	})
}

// runningWebhook is the webhook server of the test and what it was given.
type runningWebhook struct {
	addr string
	dir  string
	ca   *selfsigned.CA
	// names of the installed configurations
	validating, mutating string
}

func startWebhook(t *testing.T) *runningWebhook {
	t.Helper()
	dir := t.TempDir()
	ca, err := selfsigned.NewCA("webhook-it-ca")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.WriteServing(dir, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	srv, err := webhook.NewServer(webhook.ServerOptions{
		CertDir: dir, CertPoll: 200 * time.Millisecond, Logger: logr.Discard(),
		Options: webhook.Options{
			Catalogue: webhook.StaticCatalogue(contract.Catalogue{
				Offerings: []contract.Offering{{ID: "std-2-4"}}, Datacenters: []string{"dc-ams1"}}),
			Guard: webhook.NodeGuard{AutoscalerUser: "system:serviceaccount:vpsie-autoscaler:vpsie-autoscaler",
				ExemptUsers: []string{"exempt-admin"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := freeport.Listen("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	runUntilCleanup(t, "webhook server", func(ctx context.Context) error { return srv.Serve(ctx, ln) })
	return &runningWebhook{addr: ln.Addr().String(), dir: dir, ca: ca}
}

// installWebhookConfigurations installs deploy/webhook's configurations under
// names of their own, pointed at w by URL, the node guard limited to Nodes
// with webhookMarker=ns and the others to namespace ns.
func installWebhookConfigurations(t *testing.T, env *testenv.Env, w *runningWebhook, ns string) {
	t.Helper()
	ctx := context.Background()
	vwc, mwc, err := testenv.LocalWebhooks(w.addr, w.ca.PEM, ns, map[string]string{webhookMarker: ns})
	if err != nil {
		t.Fatal(err)
	}
	for i := range mwc.Webhooks {
		fail := admissionregistrationv1.Fail // a test must not pass because defaulting was skipped
		mwc.Webhooks[i].FailurePolicy = &fail
	}
	if err := env.Client.Create(ctx, vwc); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Create(ctx, mwc); err != nil {
		t.Fatal(err)
	}
	w.validating, w.mutating = vwc.Name, mwc.Name
	t.Cleanup(func() {
		_ = env.Client.Delete(ctx, vwc)
		_ = env.Client.Delete(ctx, mwc)
	})
}

func readManifest(t *testing.T, name string, into any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "deploy", "webhook", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, into); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// setCABundle changes which CA the apiserver trusts for the test's webhooks.
func setCABundle(t *testing.T, env *testenv.Env, w *runningWebhook, bundle []byte) {
	t.Helper()
	ctx := context.Background()
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	if err := env.Client.Get(ctx, client.ObjectKey{Name: w.validating}, &vwc); err != nil {
		t.Fatal(err)
	}
	for i := range vwc.Webhooks {
		vwc.Webhooks[i].ClientConfig.CABundle = bundle
	}
	if err := env.Client.Update(ctx, &vwc); err != nil {
		t.Fatal(err)
	}
	var mwc admissionregistrationv1.MutatingWebhookConfiguration
	if err := env.Client.Get(ctx, client.ObjectKey{Name: w.mutating}, &mwc); err != nil {
		t.Fatal(err)
	}
	for i := range mwc.Webhooks {
		mwc.Webhooks[i].ClientConfig.CABundle = bundle
	}
	if err := env.Client.Update(ctx, &mwc); err != nil {
		t.Fatal(err)
	}
}

// servedSerial is the serial number of the certificate the server at addr
// presents, verified against caPEM; nil when the handshake fails.
func servedSerial(addr string, caPEM []byte) *big.Int {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	if err != nil {
		return nil
	}
	defer func() { _ = conn.Close() }()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber
}

// waitForGuard waits until the apiserver calls the new configuration (it picks
// configurations up asynchronously); a server-side dry run calls webhooks
// without side effects.
func waitForGuard(t *testing.T, env *testenv.Env, unmanaged string) {
	t.Helper()
	eventuallyWithin(t, 30*time.Second, "the node guard active", func() error {
		_, err := env.Kubectl("delete", "node", unmanaged, "--dry-run=server")
		if err == nil || !strings.Contains(err.Error(), "denied the request") {
			return fmt.Errorf("guard not active yet: %v", err)
		}
		return nil
	})
}

func wantDenied(t *testing.T, err error, substrings ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("admitted, want a denial")
	}
	for _, s := range substrings {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
}
