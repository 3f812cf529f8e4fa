//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/vpsie/vpsie-autoscaler/internal/freeport"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/webhook"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// exercised are the product metrics the scenario below must produce (a scale-up, a rebalance,
// a scale-down, the apiserver calling the webhooks; failures as the zeros every group's and
// webhook's counters start at): a dashboard query or recording rule that reads only these has
// to return data. The others are listed in its log.
var exercised = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`nodegroup_min_nodes nodegroup_max_nodes nodegroup_desired_nodes
		nodegroup_current_nodes nodegroup_ready_nodes vpsienode_phase pending_pods unschedulable_pods scale_up_total
		node_provisioning_duration_seconds scale_up_decision_latency_seconds scale_down_total
		node_drain_duration_seconds node_drain_pods_evicted node_termination_duration_seconds
		nodegroup_utilization_ratio loop_last_success_timestamp_seconds loop_interval_seconds
		loop_pass_errors_total loop_pass_duration_seconds temporal_up vpsie_api_requests_total
		rebalance_started_total rebalance_completed_total rebalance_rolled_back_total rebalance_failed_total
		rebalance_duration_seconds rebalance_savings_monthly nodegroup_monthly_cost nodegroup_potential_savings_monthly
		vpsie_api_request_duration_seconds vpsie_api_circuit_breaker_state vpsie_api_rate_limited_total
		safety_check_failures_total webhook_requests_total webhook_request_duration_seconds
		webhook_request_errors_total`) {
		exercised["vpsie_autoscaler_"+m] = true
	}
}

// TestPrometheusEvaluatesTheDashboardsAndRulesOfAScaleUpRebalanceAndScaleDown runs a real Prometheus
// (Debian's) scraping the autoscaler every second with deploy/prometheus's rules loaded, while
// the stack's apiserver calls the autoscaler's admission webhooks, through a valid and two
// refused NodeGroups, a scale-up of one group, a pod no offering holds, a rebalance of the
// group to a cheaper offering and its scale-down to nothing, then evaluates every dashboard
// query and recording rule over that time through the HTTP API. A query whose metrics the
// scenario exercises must return series; none of the availability alerts may have fired, and
// PodsPendingWithoutScaleUp must hold once the group's scale-up is disabled with a pod waiting.
func TestPrometheusEvaluatesTheDashboardsAndRulesOfAScaleUpRebalanceAndScaleDown(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("prometheus not found: hack/local-cluster/deps.sh installs Debian's prometheus")
		}
		t.Skip("prometheus not found (Debian's prometheus package)")
	}
	ns := namespace(t, "e2e-prometheus")
	adm := newAdmission(t)
	as := env.autoscaler(t, "prometheus-1", slices.Concat(scaleDownFlags, rebalanceFlags[:2], adm.flags)...)
	// The apiserver calls the autoscaler's webhooks for the group's NodeGroups, VPSieNodes and Nodes.
	adm.install(t, ns, map[string]string{"workload": "prom-web"})
	g := sdGroup(ns, "prom-web")
	g.Spec.OfferingIDs = []string{dearOffering}
	create(t, g)
	prom := startPrometheus(t, bin, as)
	// The product starts a group's counters at zero on the first pass that sees it; until
	// Prometheus has scraped that zero, a scale-up would make the counter appear at 1 and
	// increase() would never show it (the leader may still be electing when Prometheus is up).
	eventually(t, 2*time.Minute, "Prometheus holds prom-web's counters at zero", func() error {
		if err := prom.hasSeries(`vpsie_autoscaler_scale_up_total{namespace="e2e-prometheus", nodegroup="prom-web", result="started"} == 0`); err != nil {
			return err
		}
		return prom.hasSeries(`vpsie_autoscaler_rebalance_started_total{namespace="e2e-prometheus", nodegroup="prom-web"} == 0`)
	})
	start := time.Now()
	webhookRefusals(t, ns)
	create(t, deployment(ns, podShape{name: "web", cpu: "700m", memory: "256Mi", replicas: 2,
		selector: map[string]string{"workload": "prom-web"}}))
	eventually(t, 3*time.Minute, "both pods running", func() error { return running(ns, 2) })
	// A pod no offering of the group can hold: the unschedulable-pods panels read its reason.
	create(t, bare(ns, "too-big", "64", map[string]string{"workload": "prom-web"}))
	// Counted for prom-web: earlier tests' namespaces may hold pending pods of their own, which
	// a cluster-wide sum would take for this one (it was then deleted before any scrape saw it).
	eventually(t, time.Minute, "the too-big pod counted unschedulable for prom-web", func() error {
		return prom.hasSeries(`sum(vpsie_autoscaler_unschedulable_pods{namespace="e2e-prometheus", nodegroup="prom-web"}) > 0`)
	})
	kubectl(t, "-n", ns, "delete", "pod", "too-big", "--wait=false")
	rbAllowCheaperAndAnnotate(t, ns, "prom-web")
	rbWaitOutcome(t, ns, "prom-web", contract.RebalanceCompleted, 3*time.Minute)
	kubectl(t, "-n", ns, "scale", "deployment/web", "--replicas=0")
	eventually(t, 3*time.Minute, "prom-web scaled down to no node", func() error {
		if n := groupNodes(t, ns, "prom-web"); len(n) != 0 {
			return fmt.Errorf("prom-web has nodes %v", n)
		}
		return nil
	})
	eventually(t, 2*time.Minute, "the drain's outcome in the metrics", func() error {
		if !strings.Contains(scrape(t, as), `vpsie_autoscaler_node_drain_duration_seconds_count{namespace="e2e-prometheus",nodegroup="prom-web"`) {
			return fmt.Errorf("no drain outcome yet")
		}
		return nil
	})
	// rate() and increase() need two samples of a series born at the drain's outcome: on a
	// loaded machine scrapes lag (a fixed 3 s wait once left the drain panels empty at load 27).
	eventually(t, time.Minute, "Prometheus holding two samples of the drain's outcome", func() error {
		return prom.hasSeries(`count_over_time(vpsie_autoscaler_node_drain_duration_seconds_count{namespace="e2e-prometheus", nodegroup="prom-web"}[1m]) >= 2`)
	})
	time.Sleep(2 * time.Second) // a last rule evaluation
	end := time.Now()
	t.Logf("scaled up and down in %s", end.Sub(start).Round(time.Second))

	var empty, unexercised []string
	queries := promQueries(t)
	for _, q := range queries {
		n := prom.seriesOver(t, q.expr, start, end)
		switch {
		case n > 0:
		case readsOnlyExercised(q.expr):
			empty = append(empty, q.where+": "+q.expr)
		default:
			unexercised = append(unexercised, q.where)
		}
	}
	t.Logf("%d queries evaluated; %d read metrics this scenario does not produce and returned nothing: %v",
		len(queries), len(unexercised), unexercised)
	for _, e := range empty {
		t.Errorf("no series: %s", e)
	}
	if n := prom.seriesOver(t, `ALERTS{alertstate="firing", alertname=~"VPSieAutoscaler.*|TemporalUnreachable|PodsPendingWithoutScaleUp"}`, start, end); n > 0 {
		t.Errorf("%d availability alerts fired during a healthy scale-up and scale-down", n)
	}
	for _, expr := range []string{
		`increase(vpsie_autoscaler_webhook_requests_total{webhook="validate-nodegroup", result="denied"}[10m]) > 0`,
		`increase(vpsie_autoscaler_webhook_requests_total{webhook="validate-vpsienode", result="allowed"}[10m]) > 0`,
		`increase(vpsie_autoscaler_webhook_requests_total{webhook="validate-node", result="allowed"}[10m]) > 0`,
		`increase(vpsie_autoscaler_webhook_request_errors_total{webhook="validate-nodegroup", reason="size_limit"}[10m]) > 0`,
	} {
		if err := prom.hasSeries(expr); err != nil {
			t.Errorf("the apiserver's calls of the webhook: %v", err)
		}
	}
	podsPendingWithoutScaleUp(t, prom, ns, start, end)
}

// webhookRefusals has the apiserver refuse two NodeGroups through the autoscaler's webhook
// as an operator would meet it: one with a field wrong, refused naming the field, and one
// whose admission review is larger than the webhook reads, refused before a decision
// (webhook_request_errors_total{reason="size_limit"}).
func webhookRefusals(t *testing.T, ns string) {
	t.Helper()
	err := env.kube.Create(context.Background(), invalidNodeGroup(ns, "prom-invalid"))
	if err == nil || !strings.Contains(err.Error(), invalidNodeGroupField) {
		t.Errorf("creating an invalid NodeGroup: got %v, want a denial naming %s", err, invalidNodeGroupField)
	}
	big := sdGroup(ns, "prom-oversized")
	big.Annotations = map[string]string{"e2e.autoscaler.vpsie.com/padding": strings.Repeat("x", webhook.MaxBodyBytes)}
	if err := env.kube.Create(context.Background(), big); err == nil || !strings.Contains(err.Error(), "failed calling webhook") {
		t.Errorf("creating a NodeGroup larger than the webhook reads: got %v, want the apiserver's failed call", err)
	}
}

// podsPendingWithoutScaleUp shows the alert silent while scale-up worked (start to end), and
// its expression holding (state pending: its for is 10m) for prom-web once its scale-up is
// disabled and a pod waits for it.
func podsPendingWithoutScaleUp(t *testing.T, prom *prometheus, ns string, start, end time.Time) {
	t.Helper()
	if n := prom.seriesOver(t, `ALERTS{alertname="PodsPendingWithoutScaleUp"}`, start, end); n > 0 {
		t.Errorf("PodsPendingWithoutScaleUp was pending or firing while scale-up worked (%d series)", n)
	}
	kubectl(t, "-n", ns, "patch", "nodegroup", "prom-web", "--type=merge", "-p", `{"spec":{"scaleUpPolicy":{"enabled":false}}}`)
	create(t, bare(ns, "waits", "100m", map[string]string{"workload": "prom-web"}))
	began := time.Now()
	eventually(t, 2*time.Minute, "PodsPendingWithoutScaleUp pending for prom-web", func() error {
		return prom.hasSeries(`ALERTS{alertname="PodsPendingWithoutScaleUp", alertstate="pending", namespace="e2e-prometheus", nodegroup="prom-web", reason="ScaleUpDisabled"}`)
	})
	t.Logf("PodsPendingWithoutScaleUp pending %s after prom-web's scale-up was disabled with a pod waiting",
		time.Since(began).Round(time.Second))
}

// prometheus is a Prometheus server of the test.
type prometheus struct{ addr string }

func startPrometheus(t *testing.T, bin string, as *testproc.Process) *prometheus {
	t.Helper()
	dir := t.TempDir()
	rules := filepath.Join(env.repo, "deploy", "prometheus")
	config := fmt.Sprintf(`global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [%q, %q]
scrape_configs:
  - job_name: vpsie-autoscaler
    static_configs: [{targets: [%q]}]
`, filepath.Join(rules, "alerts.yaml"), filepath.Join(rules, "slo.yaml"), as.Metrics)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, err := freeport.Addr()
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(env.dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); _ = log.Close() })
	p := &prometheus{addr: addr}
	eventually(t, time.Minute, "Prometheus ready and scraping the autoscaler", func() error {
		var res struct {
			Data struct {
				ActiveTargets []struct{ Health string } `json:"activeTargets"`
			} `json:"data"`
		}
		if err := p.get("/api/v1/targets", nil, &res); err != nil {
			return err
		}
		if len(res.Data.ActiveTargets) != 1 || res.Data.ActiveTargets[0].Health != "up" {
			return fmt.Errorf("targets %+v", res.Data.ActiveTargets)
		}
		return nil
	})
	return p
}

func (p *prometheus) get(path string, query url.Values, into any) error {
	resp, err := http.Get("http://" + p.addr + path + "?" + query.Encode())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

// hasSeries is nil when the instant query expr returns a series now.
func (p *prometheus) hasSeries(expr string) error {
	var res struct {
		Data struct {
			Result []json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := p.get("/api/v1/query", url.Values{"query": {expr}}, &res); err != nil {
		return err
	}
	if len(res.Data.Result) == 0 {
		return fmt.Errorf("no series for %s", expr)
	}
	return nil
}

// seriesOver is how many series expr returns at any step between start and end.
func (p *prometheus) seriesOver(t *testing.T, expr string, start, end time.Time) int {
	t.Helper()
	var res struct {
		Status string `json:"status"`
		Data   struct {
			Result []json.RawMessage `json:"result"`
		} `json:"data"`
	}
	q := url.Values{"query": {expr}, "start": {strconv.FormatInt(start.Unix(), 10)},
		"end": {strconv.FormatInt(end.Unix(), 10)}, "step": {"2"}}
	if err := p.get("/api/v1/query_range", q, &res); err != nil {
		t.Errorf("query %s: %v", expr, err)
		return 0
	}
	return len(res.Data.Result)
}

type promQuery struct{ where, expr string }

// promQueries are every dashboard query (variables set to the test's group) and every
// recording rule of deploy/.
func promQueries(t *testing.T) []promQuery {
	t.Helper()
	vars := strings.NewReplacer("$namespace", "e2e-prometheus", "$nodegroup", "prom-web", "$__rate_interval", "1m")
	var out []promQuery
	boards, _ := filepath.Glob(filepath.Join(env.repo, "deploy", "grafana", "*.json"))
	exprField := regexp.MustCompile(`"expr": ("(?:[^"\\]|\\.)*")`)
	for _, f := range boards {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range exprField.FindAllSubmatch(data, -1) {
			var expr string
			if err := json.Unmarshal(m[1], &expr); err != nil {
				t.Fatal(err)
			}
			out = append(out, promQuery{where: fmt.Sprintf("%s#%d", filepath.Base(f), i), expr: vars.Replace(expr)})
		}
	}
	var rules struct {
		Groups []struct {
			Rules []struct{ Record, Expr string } `json:"rules"`
		} `json:"groups"`
	}
	data, err := os.ReadFile(filepath.Join(env.repo, "deploy", "prometheus", "slo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &rules); err != nil {
		t.Fatal(err)
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				out = append(out, promQuery{where: "slo.yaml " + r.Record, expr: r.Expr})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out
}

var productName = regexp.MustCompile(`\bvpsie_autoscaler_[a-z0-9_]+\b`)

// readsOnlyExercised: every product metric of expr is one the scenario produces (a
// histogram's series count as its name); a query of another metric family (controller-runtime,
// process) counts as exercised too, since every scrape has it.
func readsOnlyExercised(expr string) bool {
	for _, name := range productName.FindAllString(expr, -1) {
		base := name
		for _, s := range []string{"_bucket", "_count", "_sum"} {
			if trimmed := strings.TrimSuffix(name, s); exercised[trimmed] {
				base = trimmed
			}
		}
		if !exercised[base] {
			return false
		}
	}
	return !strings.Contains(expr, "apiserver_")
}
