package integration

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// access is one request the autoscaler's ServiceAccount makes, or must not be able to make.
type access struct {
	verb, group, resource, subresource, namespace, name string
}

func (a access) String() string {
	r := a.resource
	if a.group != "" {
		r += "." + a.group
	}
	if a.subresource != "" {
		r += "/" + a.subresource
	}
	where := "cluster-wide"
	if a.namespace != "" {
		where = "in " + a.namespace
	}
	if a.name != "" {
		r += " " + a.name
	}
	return fmt.Sprintf("%s %s %s", a.verb, r, where)
}

// TestRBACServiceAccountHasExactlyWhatItNeeds installs the chart (its ClusterRole and leader-election Role are
// deploy/rbac/role.yaml, generated from internal/operator/rbac.go; the Secrets Role is the chart's) and asks the
// real API server's authorizer, through SubjectAccessReviews for system:serviceaccount:<ns>:<sa> and its groups,
// what the ServiceAccount may do: everything the controllers and activities use, and nothing on the list of what
// they never do. A few answers are then confirmed with real requests under impersonation.
func TestRBACServiceAccountHasExactlyWhatItNeeds(t *testing.T) {
	env := needKube(t)
	ctx := context.Background()
	ns := newNamespace(t, env.Client)
	other := newNamespace(t, env.Client)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := env.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	h := newHelm(t, kubeconfig)
	release := "rbac-it"
	sa := release + "-vpsie-autoscaler"
	if out, err := h.run("install", release, chartDir(), "-n", ns, "--set", "temporal.address=temporal.example:7233",
		"--set", "vpsie.credentials.existingSecret=vpsie-credentials", "--set-json", `sshKeySecrets=["`+other+`/ops-keys"]`,
		"--timeout", "60s"); err != nil {
		t.Fatalf("helm install: %v\n%s", err, out)
	}
	t.Cleanup(func() { _, _ = h.run("uninstall", release, "-n", ns, "--timeout", "60s") })
	user := "system:serviceaccount:" + ns + ":" + sa
	groups := []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}
	admin, err := kubernetes.NewForConfig(kube.Config)
	if err != nil {
		t.Fatal(err)
	}
	allowed := func(a access) (bool, string) {
		sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: user, Groups: groups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: a.verb, Group: a.group, Resource: a.resource,
				Subresource: a.subresource, Namespace: a.namespace, Name: a.name}}}
		got, err := admin.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("SubjectAccessReview %s: %v", a, err)
		}
		return got.Status.Allowed, got.Status.Reason
	}
	const crd = "autoscaler.vpsie.com"
	verbs := func(group, resource, sub, namespace string, vs ...string) []access {
		var out []access
		for _, v := range vs {
			out = append(out, access{v, group, resource, sub, namespace, ""})
		}
		return out
	}
	var can []access
	for _, set := range [][]access{
		// Nodes: informers, cordon and annotations (patch), deletion by the termination.
		verbs("", "nodes", "", "", "get", "list", "watch", "patch", "delete"),
		// Pods anywhere: scheduling simulation, drains; eviction through the API that honours PDBs.
		verbs("", "pods", "", "", "get", "list", "watch"),
		verbs("", "pods", "eviction", other, "create"),
		// Pending pods nominated to the nodes bought for them.
		verbs("", "pods", "status", other, "patch"),
		verbs("policy", "poddisruptionbudgets", "", "", "list", "watch"),
		verbs("apps", "daemonsets", "", "", "list", "watch"),
		verbs("", "persistentvolumes", "", "", "list", "watch"),
		verbs("", "persistentvolumeclaims", "", "", "list", "watch"),
		// A NodeGroup's user-data template, by name.
		verbs("", "configmaps", "", other, "get"),
		// Events about objects in any namespace.
		verbs("", "events", "", other, "create", "patch"),
		verbs("events.k8s.io", "events", "", other, "create", "patch"),
		// The leader-election Lease, in its own namespace.
		verbs("coordination.k8s.io", "leases", "", ns, "get", "create", "update"),
		// The CRDs: NodeGroups read, their status written, a consumed rebalance annotation removed (patch);
		// VPSieNodes made, patched and deleted.
		verbs(crd, "nodegroups", "", other, "get", "list", "watch", "patch"),
		verbs(crd, "nodegroups", "status", other, "update", "patch"),
		verbs(crd, "vpsienodes", "", other, "get", "list", "watch", "create", "patch", "delete"),
		verbs(crd, "vpsienodes", "status", other, "update", "patch"),
		// Its credentials Secret, by name, in its namespace (the default joinMode perNodeToken reads no join Secret).
		{{"get", "", "secrets", "", ns, "vpsie-credentials"}},
		// The SSH key Secret a NodeGroup names (spec.sshKeySecretRef), listed in the chart's sshKeySecrets: by name.
		{{"get", "", "secrets", "", other, "ops-keys"}},
		// Per-node bootstrap tokens: created and deleted in kube-system, where the API server reads them.
		verbs("", "secrets", "", "kube-system", "create", "delete"),
	} {
		can = append(can, set...)
	}
	cannot := []access{
		{"list", "", "secrets", "", "", ""},
		{"watch", "", "secrets", "", "", ""},
		{"list", "", "secrets", "", ns, ""},
		{"get", "", "secrets", "", ns, "unrelated"},
		{"get", "", "secrets", "", other, "vpsie-credentials"},
		{"get", "", "secrets", "", other, "unrelated"},
		{"get", "", "secrets", "", ns, "ops-keys"},
		{"list", "", "secrets", "", other, ""},
		{"get", "", "secrets", "", other, "vpsie-join"},
		{"get", "", "secrets", "", ns, "vpsie-join"},
		{"get", "", "secrets", "", "kube-system", "bootstrap-token-abcdef"},
		{"create", "", "secrets", "", other, ""},
		{"delete", "", "secrets", "", other, ""},
		{"delete", "", "secrets", "", ns, "vpsie-credentials"},
		{"update", "", "secrets", "", ns, "vpsie-credentials"},
		{"create", "", "secrets", "", ns, ""},
		{"delete", "", "pods", "", other, ""},
		{"create", "", "pods", "", other, ""},
		{"patch", "", "pods", "", other, ""},
		{"update", "", "pods", "status", other, ""},
		{"create", "", "nodes", "", "", ""},
		{"update", "", "nodes", "", "", ""},
		{"deletecollection", "", "nodes", "", "", ""},
		{"patch", "", "nodes", "status", "", ""},
		{"create", "apps", "deployments", "", ns, ""},
		{"update", "apps", "deployments", "", ns, ""},
		{"patch", "apps", "deployments", "", other, ""},
		{"delete", "apps", "deployments", "", other, ""},
		{"patch", "apps", "daemonsets", "", other, ""},
		{"create", "rbac.authorization.k8s.io", "clusterroles", "", "", ""},
		{"escalate", "rbac.authorization.k8s.io", "clusterroles", "", "", ""},
		{"bind", "rbac.authorization.k8s.io", "clusterroles", "", "", ""},
		{"create", "rbac.authorization.k8s.io", "rolebindings", "", ns, ""},
		{"impersonate", "", "users", "", "", ""},
		{"impersonate", "", "serviceaccounts", "", ns, ""},
		{"create", "", "serviceaccounts", "token", ns, sa},
		{"create", "", "namespaces", "", "", ""},
		{"delete", "", "namespaces", "", "", other},
		{"list", "", "configmaps", "", other, ""},
		{"update", "", "configmaps", "", other, ""},
		{"delete", "", "events", "", other, ""},
		{"create", "coordination.k8s.io", "leases", "", other, ""},
		{"delete", "coordination.k8s.io", "leases", "", ns, ""},
		{"create", crd, "nodegroups", "", other, ""},
		{"update", crd, "nodegroups", "", other, ""},
		{"delete", crd, "nodegroups", "", other, ""},
		{"update", crd, "vpsienodes", "", other, ""},
		{"delete", "policy", "poddisruptionbudgets", "", other, ""},
		{"create", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", "", ""},
		{"delete", "apiextensions.k8s.io", "customresourcedefinitions", "", "", ""},
		{"create", "certificates.k8s.io", "certificatesigningrequests", "", "", ""},
	}
	// Bootstrap tokens are written blind: no Secret of kube-system is ever read or changed, none created elsewhere.
	cannot = append(cannot, verbs("", "secrets", "", "kube-system", "get", "list", "watch", "update", "patch", "deletecollection")...)
	for _, a := range can {
		if ok, reason := allowed(a); !ok {
			t.Errorf("the ServiceAccount may not %s, which the autoscaler needs (%s)", a, reason)
		}
	}
	for _, a := range cannot {
		if ok, reason := allowed(a); ok {
			t.Errorf("the ServiceAccount may %s, which it never needs (%s)", a, reason)
		}
	}
	t.Logf("%s: %d needed requests allowed, %d others refused", user, len(can), len(cannot))

	// The authorizer's answers, confirmed with real requests as the ServiceAccount.
	mkSecret(t, ns, "vpsie-credentials", map[string]string{"clientId": "id", "clientSecret": "rbac-test-secret"})
	mkSecret(t, ns, "unrelated", map[string]string{"password": "not for the autoscaler"})
	mkSecret(t, other, "vpsie-credentials", map[string]string{"clientId": "id", "clientSecret": "another-namespace"})
	cfg := rest.CopyConfig(kube.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: groups}
	as, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := as.CoreV1().Secrets(ns).Get(ctx, "vpsie-credentials", metav1.GetOptions{}); err != nil {
		t.Errorf("as the ServiceAccount, get its credentials Secret: %v", err)
	}
	if _, err := as.CoreV1().Nodes().List(ctx, metav1.ListOptions{Limit: 1}); err != nil {
		t.Errorf("as the ServiceAccount, list nodes: %v", err)
	}
	token := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "bootstrap-token-rbacit"},
		Type: "bootstrap.kubernetes.io/token", StringData: map[string]string{"token-id": "rbacit", "token-secret": "0123456789abcdef"}}
	if _, err := as.CoreV1().Secrets("kube-system").Create(ctx, token, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Errorf("as the ServiceAccount, create a bootstrap token Secret in kube-system: %v", err)
	}
	for what, call := range map[string]func() error{
		"list Secrets cluster-wide": func() error { _, err := as.CoreV1().Secrets("").List(ctx, metav1.ListOptions{}); return err },
		"get a Secret of another name": func() error {
			_, err := as.CoreV1().Secrets(ns).Get(ctx, "unrelated", metav1.GetOptions{})
			return err
		},
		"get the credentials name in another namespace": func() error {
			_, err := as.CoreV1().Secrets(other).Get(ctx, "vpsie-credentials", metav1.GetOptions{})
			return err
		},
		"read a Secret of kube-system": func() error {
			_, err := as.CoreV1().Secrets("kube-system").Get(ctx, "bootstrap-token-rbacit", metav1.GetOptions{})
			return err
		},
		"create a Secret outside kube-system": func() error {
			s := token.DeepCopy()
			s.Namespace = other
			_, err := as.CoreV1().Secrets(other).Create(ctx, s, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			return err
		},
		"create a Node": func() error {
			_, err := as.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "rbac-it"}},
				metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			return err
		},
		"delete a Pod": func() error {
			return as.CoreV1().Pods(other).Delete(ctx, "any", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}})
		},
	} {
		if err := call(); !apierrors.IsForbidden(err) {
			t.Errorf("as the ServiceAccount, %s: %v, want forbidden", what, err)
		} else if !strings.Contains(err.Error(), user) {
			t.Errorf("as the ServiceAccount, %s: refused for someone else: %v", what, err)
		}
	}
}
