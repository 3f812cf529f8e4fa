//go:build e2e

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/cli"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// plugin runs the real kubectl-vpsie binary against the stack: its kubeconfig, its Temporal
// (for the catalogue, signals and progress) and the autoscaler's cluster name.
type plugin struct {
	t   *testing.T
	bin string
}

func buildKubectlVpsie(t *testing.T) *plugin {
	t.Helper()
	start := time.Now()
	bin := testproc.BuildCommand(t, env.repo, t.TempDir(), "kubectl-vpsie", testproc.Race)
	t.Logf("built kubectl-vpsie in %s", time.Since(start).Round(time.Millisecond))
	return &plugin{t: t, bin: bin}
}

// run runs the plugin in ns and returns its output and exit code.
func (p *plugin) run(ns string, args ...string) (string, int) {
	p.t.Helper()
	cmd := exec.Command(p.bin, append(args, "--kubeconfig", env.kubeconfig, "-n", ns, "--color", "never",
		"--temporal-address", env.temporal.GetFrontendHostPort(), "--temporal-namespace", env.temporal.GetDefaultNamespace(),
		"--vpsie-cluster", "e2e")...)
	cmd.Env = append(os.Environ(), "VPSIE_CATALOGUE=")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		p.t.Fatalf("kubectl vpsie %v: %v", args, err)
	}
	return string(out), 0
}

// json runs the plugin with -o json, fails the test unless it exits 0, and decodes the answer.
func (p *plugin) json(ns string, into any, args ...string) {
	p.t.Helper()
	out, code := p.run(ns, append(args, "-o", "json")...)
	if code != 0 {
		p.t.Fatalf("kubectl vpsie %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), into); err != nil {
		p.t.Fatalf("kubectl vpsie %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// show runs the plugin and logs its table output, as an operator sees it.
func (p *plugin) show(ns string, wantCode int, args ...string) string {
	p.t.Helper()
	out, code := p.run(ns, args...)
	p.t.Logf("$ kubectl vpsie %s  (exit %d)\n%s", strings.Join(args, " "), code, out)
	if code != wantCode {
		p.t.Errorf("kubectl vpsie %s: exit %d, want %d", strings.Join(args, " "), code, wantCode)
	}
	return out
}

// TestKubectlVpsieExplainsPlansAndDrivesTheRealStack runs the real plugin against the real
// cluster, Temporal and simulator with an autoscaler running: plan -f on a manifest, then
// applying it, after which the controller buys exactly the offerings the what-if printed;
// explain pod while its node boots (names the ScaleUp run) and for a pod no group can take
// (names the group and the numbers); explain node for a node a budget holds (names the
// budget); and a rebalance started, paused, resumed and rolled back through Temporal signals.
func TestKubectlVpsieExplainsPlansAndDrivesTheRealStack(t *testing.T) {
	ns := namespace(t, "e2e-cli")
	const name = "cli-web"
	g := group(ns, name, "std-2c-4g", "std-4c-8g", "std-8c-16g")
	g.Spec.ScaleDownPolicy.Enabled = ptr.To(false)
	create(t, g)
	// The what-if plans the manifest's three pods as one batch; the ReplicaSet creates them in
	// two steps (1, then 2), which a loaded CI machine spaced by more than the stack's 1 s
	// batch idle (the controller then bought a node for the first pod alone). A batch window
	// that spans the steps is what the comparison assumes.
	env.autoscaler(t, "cli-1", slices.Concat(rebalanceFlags, []string{"--scale-up.batch-idle=5s", "--scale-up.batch-max=20s"})...)
	p := buildKubectlVpsie(t)

	manifest := filepath.Join(t.TempDir(), "web.yaml")
	web := deployment(ns, podShape{name: "web", cpu: "1200m", memory: "1Gi", replicas: 3, selector: map[string]string{"workload": name}})
	web.TypeMeta = metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}
	data, err := yaml.Marshal(web)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifest, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var whatIf cli.PlanReport
	eventually(t, time.Minute, "the plugin reads the Catalogue workflow's offerings", func() error {
		whatIf = cli.PlanReport{}
		p.json(ns, &whatIf, "plan", name, "-f", manifest)
		if !strings.Contains(whatIf.Catalogue, contract.CatalogueWorkflowID("e2e")) || len(whatIf.ScaleUp.Intents) == 0 {
			return fmt.Errorf("catalogue %q, intents %+v", whatIf.Catalogue, whatIf.ScaleUp.Intents)
		}
		return nil
	})
	p.show(ns, 0, "plan", name, "-f", manifest)
	want := intentOfferings(whatIf.ScaleUp.Intents)

	// The run's first create answers slowly, so the booting node can be seen.
	if err := env.sim.SetFaults(vpsiesim.Faults{Endpoints: map[string]vpsiesim.EndpointFaults{
		vpsiesim.OpCreateVM: {Latency: vpsiesim.Duration(4 * time.Second)}}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.sim.SetFaults(vpsiesim.Faults{}) })
	kubectl(t, "apply", "-f", manifest)
	cliSeesTheRun(t, p, ns)
	if err := env.sim.SetFaults(vpsiesim.Faults{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 3*time.Minute, "the manifest's pods running", func() error { return running(ns, 3) })
	var bought []string
	for _, vn := range vpsieNodes(t, ns) {
		bought = append(bought, vn.Spec.OfferingID)
	}
	slices.Sort(bought)
	t.Logf("the what-if printed %v; the controller bought %v", want, bought)
	if !slices.Equal(bought, want) {
		t.Errorf("the controller bought %v, the what-if printed %v", bought, want)
	}

	huge := bare(ns, "huge", "64", map[string]string{"workload": name})
	create(t, huge)
	eventually(t, time.Minute, "explain pod names the group and the numbers", func() error {
		var ex cli.PodExplanation
		p.json(ns, &ex, "explain", "pod", "huge")
		if ex.Outcome != "Unschedulable" || len(ex.Groups) == 0 || ex.Groups[0].NodeGroup != ns+"/"+name ||
			!strings.Contains(ex.Groups[0].Message, "64") {
			return fmt.Errorf("explanation %+v", ex)
		}
		return nil
	})
	p.show(ns, 0, "explain", "pod", "huge")

	keep := intstr.FromInt32(3)
	create(t, &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web-budget"},
		Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: &keep,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}})
	node := groupNodes(t, ns, name)[0]
	eventually(t, time.Minute, "explain node names the budget", func() error {
		out, code := p.run(ns, "explain", "node", node)
		if code != 0 || !strings.Contains(out, "web-budget") {
			return fmt.Errorf("exit %d:\n%s", code, out)
		}
		return nil
	})
	p.show(ns, 0, "explain", "node", node)

	cliDrivesARebalance(t, p)
}

// intentOfferings is the offering of every node the intents buy, sorted.
func intentOfferings(intents []cli.IntentView) []string {
	var out []string
	for _, in := range intents {
		for range in.Count {
			out = append(out, in.Offering)
		}
	}
	slices.Sort(out)
	return out
}

// cliSeesTheRun asks explain pod about a pending pod of ns until it names the ScaleUp run
// bringing its node.
func cliSeesTheRun(t *testing.T, p *plugin, ns string) {
	t.Helper()
	var seen cli.PodExplanation
	eventually(t, time.Minute, "explain pod names the run bringing the node", func() error {
		var pods corev1.PodList
		if err := env.kube.List(t.Context(), &pods); err != nil {
			return err
		}
		for _, pod := range pods.Items {
			if pod.Namespace != ns || pod.Spec.NodeName != "" {
				continue
			}
			var ex cli.PodExplanation
			p.json(ns, &ex, "explain", "pod", pod.Name)
			if ex.Outcome == "InFlight" && ex.InFlight != nil && strings.HasPrefix(ex.InFlight.Workflow, "scaleup/"+ns+"/") {
				seen = ex
				p.show(ns, 0, "explain", "pod", pod.Name)
				return nil
			}
			return fmt.Errorf("%s: %s %+v", pod.Name, ex.Outcome, ex.InFlight)
		}
		return errors.New("no pending pod of " + ns)
	})
	if runsOf(t, seen.InFlight.Workflow) != 1 {
		t.Errorf("explain pod named run %s, which Temporal does not hold", seen.InFlight.Workflow)
	}
}

// cliDrivesARebalance starts a rebalance with the plugin, pauses, resumes and rolls it back
// through Temporal signals (never the annotation), and reads the outcome with it.
func cliDrivesARebalance(t *testing.T, p *plugin) {
	ns := namespace(t, "e2e-cli-rebalance")
	const name = "cli-rb"
	create(t, rbGroup(ns, name, v1alpha1.RebalanceRolling))
	rbWorkload(t, ns, name)
	kubectl(t, "-n", ns, "patch", "nodegroup", name, "--type=merge", "-p",
		`{"spec":{"offeringIDs":["`+dearOffering+`","`+cheapOffering+`"]}}`)
	p.show(ns, 0, "rebalance", "start", name)
	status := func() cli.RebalanceStatus {
		var st cli.RebalanceStatus
		p.json(ns, &st, "rebalance", "status", name)
		return st
	}
	eventually(t, 2*time.Minute, "the run started", func() error {
		if st := status(); !st.Running || st.Source != "temporal" {
			return fmt.Errorf("%+v", st)
		}
		return nil
	})
	signal := func(action string, done func(cli.RebalanceStatus) bool) {
		t.Helper()
		if out := p.show(ns, 0, "rebalance", action, name); !strings.Contains(out, "through Temporal") {
			t.Fatalf("rebalance %s did not go through Temporal:\n%s", action, out)
		}
		// A rollback's phase shows once its compensation replaced nodes: 20-40 s on loaded cores.
		eventually(t, 3*time.Minute, "the run after "+action, func() error {
			if st := status(); !done(st) {
				return fmt.Errorf("%+v", st)
			}
			return nil
		})
		if v := rbAnnotation(t, ns, name); v != "" {
			t.Errorf("after rebalance %s the annotation is %q: the signal went around Temporal", action, v)
		}
	}
	signal("pause", func(st cli.RebalanceStatus) bool { return st.Progress.Phase == contract.RebalancePhasePaused })
	signal("resume", func(st cli.RebalanceStatus) bool { return !st.Progress.Paused })
	signal("rollback", func(st cli.RebalanceStatus) bool { return st.Progress.Phase == contract.RebalancePhaseRolledBack })
	st := rbWaitOutcome(t, ns, name, contract.RebalanceRolledBack, 3*time.Minute)
	p.show(ns, 0, "rebalance", "status", name)
	t.Logf("rolled back: status.rebalance %+v", *st)
	// A full rollback gives every old node it deleted a node of its old offering again.
	eventually(t, 2*time.Minute, "the group back on its old offering", func() error { return rbOnly(t, ns, name, dearOffering, 2) })
}
