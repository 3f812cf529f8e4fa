package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

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
