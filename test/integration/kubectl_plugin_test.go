package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// TestKubectlVpsieBinaryAnswersFromTheLiveCluster runs the real `kubectl vpsie` binary
// against the real API server: explain pod for a pod too big for any group (names the
// group and the numbers), explain node for a node held by a PodDisruptionBudget (names
// the budget), plan -f on a manifest, and the chart's plugin ClusterRoles: read-only
// suffices to read, a rebalance request is refused (exit 4) until the rebalance role is
// bound too.
func TestKubectlVpsieBinaryAnswersFromTheLiveCluster(t *testing.T) {
	env := needKube(t)
	ctx := context.Background()
	dir := t.TempDir()
	bin := buildPlugin(t, dir)
	admin := filepath.Join(dir, "admin.kubeconfig")
	if err := env.WriteKubeconfig(admin); err != nil {
		t.Fatal(err)
	}
	cat := filepath.Join(dir, "catalogue.json")
	writeJSON(t, cat, contract.Catalogue{Datacenters: []string{"dc1"}, Offerings: []contract.Offering{
		{ID: "std-1-2", CPU: 1, RAMMB: 2048, DiskGB: 20, MonthlyPrice: 10},
		{ID: "std-4-8", CPU: 4, RAMMB: 8192, DiskGB: 80, MonthlyPrice: 40}}})
	ns := newNamespace(t, env.Client)
	node := ns + "-n1"
	seedPluginCluster(ctx, t, env.Client, ns, node)
	plugin := func(kubeconfig string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--kubeconfig", kubeconfig, "-n", ns, "--catalogue", cat, "--color", "never")...)
		cmd.Env = append(os.Environ(), "VPSIE_TEMPORAL_ADDRESS=")
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("running %v: %v", args, err)
		}
		t.Logf("$ kubectl vpsie %s  (exit %d)\n%s", strings.Join(args, " "), code, out)
		return string(out), code
	}
	expect := func(out string, code, wantCode int, want ...string) {
		t.Helper()
		if code != wantCode {
			t.Errorf("exit %d, want %d:\n%s", code, wantCode, out)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
	}

	out, code := plugin(admin, "explain", "pod", "huge")
	expect(out, code, 0, "Unschedulable", "cannot help", ns+"/general", "InsufficientCPU", "needs 64 CPU, largest offering has 4")
	out, code = plugin(admin, "explain", "pod", "web", "--temporal-ui", "http://localhost:8233")
	expect(out, code, 0, "waiting", "boot-"+ns, "Run:        scaleup/"+ns+"/batch/b1234567",
		"Web UI:     http://localhost:8233/namespaces/default/workflows/scaleup/"+ns+"/batch/b1234567")
	out, code = plugin(admin, "explain", "node", node)
	expect(out, code, 0, "keeps it", "PodDisruptionBudget", "would exceed PodDisruptionBudget db-pdb", "0 disruptions allowed")
	manifest := filepath.Join(dir, "whatif.yaml")
	if err := os.WriteFile(manifest, []byte(whatIfManifest), 0o600); err != nil {
		t.Fatal(err)
	}
	out, code = plugin(admin, "plan", "-f", manifest)
	expect(out, code, 0, "What-if: Deployment "+ns+"/api ×3", ns+"/general   std-1-2", "PendingPods", "no group can take "+ns+"/huge")
	out, code = plugin(admin, "get", "nodegroups", "-o", "wide")
	expect(out, code, 0, "general", "$40.00", "std-1-2,std-4-8", "batch")
	out, code = plugin(admin, "cost")
	expect(out, code, 0, "std-4-8", "$40.00", "TOTAL")

	watchInTmux(ctx, t, env.Client, bin, admin, ns)

	viewer := pluginUser(ctx, t, env, ns, dir)
	out, code = plugin(viewer, "get", "nodegroups")
	expect(out, code, 0, "general")
	out, code = plugin(viewer, "rebalance", "start", "general")
	expect(out, code, 4, "forbidden", "kubectl-plugin-rebalance")
	bindClusterRole(ctx, t, env.Client, ns, "kubectl-vpsie-rebalance-"+ns, "pi-vpsie-autoscaler-kubectl-plugin-rebalance")
	eventually(t, "the rebalance role to take effect", func() error {
		if out, code := plugin(viewer, "rebalance", "start", "general"); code != 0 {
			return fmt.Errorf("exit %d: %s", code, out)
		}
		return nil
	})
	var g v1alpha1.NodeGroup
	if err := env.Client.Get(ctx, keyOf(ns, "general"), &g); err != nil {
		t.Fatal(err)
	}
	if g.Annotations[v1alpha1.AnnotationRebalance] != v1alpha1.RebalanceNow {
		t.Errorf("rebalance start left annotations %v", g.Annotations)
	}
}

const whatIfManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: api:1
        resources:
          requests: {cpu: 700m, memory: 1Gi}
`

// buildPlugin compiles cmd/kubectl-vpsie into dir, in race mode when this test runs in it (so
// the build reuses the packages `go test -race` compiled).
func buildPlugin(t *testing.T, dir string) string {
	t.Helper()
	start := time.Now()
	bin := testproc.BuildCommand(t, testenv.RepoRoot(), dir, "kubectl-vpsie", raceEnabled)
	t.Logf("built kubectl-vpsie in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err == nil {
		err = os.WriteFile(path, b, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// seedPluginCluster makes NodeGroup general with one Ready member node holding pod db-0,
// which budget db-pdb allows no disruption, a pending pod too big for any offering, and
// NodeGroup batch (label and taint pool=batch) with a VPSieNode of ScaleUp batch b1234567 still
// provisioning, which pending pod web (selecting and tolerating pool=batch) waits for.
func seedPluginCluster(ctx context.Context, t *testing.T, c client.Client, ns, node string) {
	t.Helper()
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "general"}, Spec: v1alpha1.NodeGroupSpec{
		MinNodes: 0, MaxNodes: 5, DatacenterID: "dc1", OfferingIDs: []string{"std-1-2", "std-4-8"},
		OSImageID: "ubuntu-24.04", KubernetesVersion: "v1.36.3"}}
	create(ctx, t, c, ng)
	create(ctx, t, c, &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: node, Labels: map[string]string{v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: "general"}},
		Spec:       v1alpha1.VPSieNodeSpec{NodeGroup: "general", OfferingID: "std-4-8", DatacenterID: "dc1", ImageID: "ubuntu-24.04", Hostname: node}})
	updateVPSieNodeStatus(t, ns, node, func(st *v1alpha1.VPSieNodeStatus) {
		*st = v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseReady, VPSID: "vps-" + node, NodeName: node}
	})
	setNode(t, c, "general", node, true)
	var n corev1.Node
	if err := c.Get(ctx, client.ObjectKey{Name: node}, &n); err != nil {
		t.Fatal(err)
	}
	n.Labels[corev1.LabelHostname] = node
	if err := c.Update(ctx, &n); err != nil {
		t.Fatal(err)
	}
	n.Status.Allocatable = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi"),
		corev1.ResourcePods: resource.MustParse("110")}
	if err := c.Status().Update(ctx, &n); err != nil {
		t.Fatal(err)
	}
	create(ctx, t, c, pluginPod(ns, "db-0", node, "100m"))
	huge := pluginPod(ns, "huge", "", "64")
	create(ctx, t, c, huge)
	markUnschedulable(ctx, t, c, huge)
	batch := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "batch"}, Spec: v1alpha1.NodeGroupSpec{
		MinNodes: 0, MaxNodes: 5, DatacenterID: "dc1", OfferingIDs: []string{"std-4-8"}, Labels: map[string]string{"pool": "batch"},
		Taints:    []corev1.Taint{{Key: "pool", Value: "batch", Effect: corev1.TaintEffectNoSchedule}},
		OSImageID: "ubuntu-24.04", KubernetesVersion: "v1.36.3"}}
	create(ctx, t, c, batch)
	boot := "boot-" + ns
	create(ctx, t, c, &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: boot, Labels: map[string]string{v1alpha1.LabelManaged: "true",
			v1alpha1.LabelNodeGroup: "batch", v1alpha1.LabelBatch: "b1234567"}},
		Spec: v1alpha1.VPSieNodeSpec{NodeGroup: "batch", OfferingID: "std-4-8", DatacenterID: "dc1", ImageID: "ubuntu-24.04", Hostname: boot}})
	updateVPSieNodeStatus(t, ns, boot, func(st *v1alpha1.VPSieNodeStatus) {
		*st = v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseProvisioning, VPSID: "vps-" + boot}
	})
	web := pluginPod(ns, "web", "", "1")
	web.Spec.NodeSelector = map[string]string{"pool": "batch"}
	web.Spec.Tolerations = []corev1.Toleration{{Key: "pool", Value: "batch", Effect: corev1.TaintEffectNoSchedule}}
	create(ctx, t, c, web)
	markUnschedulable(ctx, t, c, web)
	one := intstr.FromInt32(1)
	pdb := &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "db-pdb"},
		Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: &one, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db-0"}}}}
	create(ctx, t, c, pdb)
	pdb.Status = policyv1.PodDisruptionBudgetStatus{ObservedGeneration: pdb.Generation, DisruptionsAllowed: 0, CurrentHealthy: 1, DesiredHealthy: 1, ExpectedPods: 1}
	if err := c.Status().Update(ctx, pdb); err != nil {
		t.Fatal(err)
	}
}

// markUnschedulable writes what the scheduler writes on a pod it found no node for.
func markUnschedulable(ctx context.Context, t *testing.T, c client.Client, p *corev1.Pod) {
	t.Helper()
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
		Reason: corev1.PodReasonUnschedulable, Message: "0/1 nodes are available: 1 Insufficient cpu.", LastTransitionTime: metav1.Now()}}
	if err := c.Status().Update(ctx, p); err != nil {
		t.Fatal(err)
	}
}

func create(ctx context.Context, t *testing.T, c client.Client, obj client.Object) {
	t.Helper()
	if err := c.Create(ctx, obj); err != nil {
		t.Fatalf("creating %T %s: %v", obj, obj.GetName(), err)
	}
}

// pluginPod is a ReplicaSet's pod requesting cpu, bound to node when node is set.
func pluginPod(ns, name, node, cpu string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": name},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs-" + name, UID: types.UID("u-" + name), Controller: ptrTo(true)}}},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Image: "i", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("128Mi")}}}}},
	}
}

// pluginUser applies the chart's two plugin ClusterRoles (release "pi"), binds the read-only
// one to a new ServiceAccount and returns that ServiceAccount's kubeconfig.
func pluginUser(ctx context.Context, t *testing.T, env *testenv.Env, ns, dir string) string {
	t.Helper()
	h := newHelm(t, "")
	rendered := h.render(t, "pi", ns, "-f", filepath.Join(chartDir(), "ci", "required-values.yaml"), "-s", "templates/kubectl-plugin-rbac.yaml")
	for _, doc := range strings.Split(rendered, "\n---") {
		var role rbacv1.ClusterRole
		if err := yaml.Unmarshal([]byte(doc), &role); err != nil || role.Name == "" {
			continue
		}
		_ = env.Client.Delete(ctx, &role)
		create(ctx, t, env.Client, &role)
		t.Cleanup(func() { _ = env.Client.Delete(context.Background(), &role) })
	}
	create(ctx, t, env.Client, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "viewer"}})
	bindClusterRole(ctx, t, env.Client, ns, "kubectl-vpsie-view-"+ns, "pi-vpsie-autoscaler-kubectl-plugin")
	path, _ := serviceAccountKubeconfig(t, ns, "viewer", dir)
	return path
}

func bindClusterRole(ctx context.Context, t *testing.T, c client.Client, ns, name, role string) {
	t.Helper()
	b := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: "viewer"}}}
	create(ctx, t, c, b)
	t.Cleanup(func() { _ = c.Delete(context.Background(), b) })
}

// watchInTmux runs `rebalance status general --watch` in a tmux pane (a terminal, as an
// operator runs it) while the NodeGroup's status.rebalance advances batch by batch, and
// reads the progress bar off the screen until the run ends.
func watchInTmux(ctx context.Context, t *testing.T, c client.Client, bin, kubeconfig, ns string) {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Log("no tmux: the --watch screen test is skipped")
		return
	}
	setProgress := func(done int32, phase string) {
		t.Helper()
		var g v1alpha1.NodeGroup
		if err := c.Get(ctx, keyOf(ns, "general"), &g); err != nil {
			t.Fatal(err)
		}
		started := metav1.NewTime(time.Now())
		r := &v1alpha1.NodeGroupRebalanceStatus{PlanID: "p1", Strategy: "rolling", Phase: phase, BatchesDone: done, BatchesTotal: 4, StartedAt: &started}
		if phase == contract.RebalancePhaseCompleted {
			r.FinishedAt, r.Outcome = &started, contract.RebalanceCompleted
		}
		g.Status.Rebalance = r
		if err := c.Status().Update(ctx, &g); err != nil {
			t.Fatal(err)
		}
	}
	setProgress(0, contract.RebalancePhaseProvisioning)
	session := "kubectl-vpsie-" + ns
	shell := fmt.Sprintf("%s rebalance status general --watch --interval 200ms --kubeconfig %s -n %s; echo EXIT=$?; sleep 30",
		bin, kubeconfig, ns)
	cmd := exec.Command(tmux, "new-session", "-d", "-s", session, "-x", "160", "-y", "20", "env", "VPSIE_TEMPORAL_ADDRESS=", "sh", "-c", shell)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(tmux, "kill-session", "-t", session).Run() })
	screen := func() string {
		out, _ := exec.Command(tmux, "capture-pane", "-p", "-t", session).Output()
		return string(out)
	}
	onScreen := func(want string) {
		t.Helper()
		eventuallyWithin(t, 20*time.Second, "the pane to show "+want, func() error {
			if s := screen(); !strings.Contains(s, want) {
				return fmt.Errorf("screen:\n%s", s)
			}
			return nil
		})
	}
	onScreen("[--------------------] 0/4 batches Provisioning")
	setProgress(2, contract.RebalancePhaseDraining)
	onScreen("[##########----------] 2/4 batches Draining")
	setProgress(4, contract.RebalancePhaseCompleted)
	onScreen("[####################] 4/4 batches Completed")
	onScreen("run ended: Completed")
	onScreen("EXIT=0")
	t.Logf("tmux pane:\n%s", screen())
}
