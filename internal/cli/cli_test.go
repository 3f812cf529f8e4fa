package cli

import (
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestGetNodeGroupsShowsSizesCostAndState(t *testing.T) {
	objs := objects(group("general", 1, 5, "small", "large"), member("n1", "general", "large", "4", "8Gi"),
		booting("boot-1", "general", "small", "b1"))
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{name: "table", args: []string{"get", "nodegroups"}, want: []string{"NAME", "general", "$50.00", "up,down", "IN-FLIGHT"}},
		{name: "wide adds offerings", args: []string{"get", "ng", "-o", "wide"}, want: []string{"small,large", "dc1"}},
		{name: "json", args: []string{"get", "ng", "-o", "json"}, want: []string{`"inFlight": 1`, `"monthlyCost": 50`}},
		{name: "yaml", args: []string{"get", "ng", "-A", "-o", "yaml"}, want: []string{"name: general", "inFlight: 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, objs, tt.args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.errOut)
			}
			contains(t, r, tt.want...)
		})
	}
}

func TestErrorsHaveExitCodesAndSayWhatToDo(t *testing.T) {
	tests := []struct {
		name string
		objs []client.Object
		args []string
		code int
		hint string
	}{
		{name: "no NodeGroup", args: []string{"get", "nodegroups"}, code: ExitNotFound, hint: "create one"},
		{name: "unknown NodeGroup", objs: objects(group("general", 1, 5, "small")), args: []string{"plan", "gpu"},
			code: ExitNotFound, hint: "NodeGroups are: default/general"},
		{name: "unknown pod", args: []string{"explain", "pod", "nope"}, code: ExitNotFound, hint: "pod default/nope not found"},
		{name: "unknown node", args: []string{"explain", "node", "nope"}, code: ExitNotFound, hint: "kubectl get nodes"},
		{name: "bad output", args: []string{"get", "ng", "-o", "xml"}, code: ExitUsage, hint: "table, wide, json, yaml"},
		{name: "bad argument count", args: []string{"explain", "pod"}, code: ExitUsage, hint: "see --help"},
		{name: "cancel needs Temporal", objs: objects(group("general", 1, 5, "small")), args: []string{"rebalance", "cancel", "general"},
			code: ExitTemporalUnreachable, hint: "--temporal-address"},
		{name: "runs needs Temporal", objs: objects(group("general", 1, 5, "small")), args: []string{"runs", "general"},
			code: ExitTemporalUnreachable, hint: "VPSIE_TEMPORAL_ADDRESS"},
		{name: "manifest of an unsupported kind", objs: objects(group("general", 1, 5, "small")), args: []string{"plan", "-f", "testdata/service.yaml"},
			code: ExitUsage, hint: "document 1 (Service): kind not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.objs, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tt.code, r.errOut)
			}
			if !strings.Contains(r.errOut, tt.hint) {
				t.Errorf("stderr %q lacks %q", r.errOut, tt.hint)
			}
		})
	}
}

func TestExplainPodNamesWhatHappensAndWhy(t *testing.T) {
	base := objects(group("general", 0, 5, "small", "large"), member("n1", "general", "large", "4", "8Gi"),
		running("busy", "n1", "3800m", "1Gi"))
	tests := []struct {
		name string
		objs []client.Object
		pod  string
		want []string
	}{
		{name: "too big for any group: the group and the numbers", objs: objects(base, pending("huge", "64", "1Gi")), pod: "huge",
			want: []string{"cannot help", "default/general", "no", "InsufficientCPU", "64"}},
		{name: "the next scale-up buys a node", objs: objects(base, pending("web", "500m", "1Gi")), pod: "web",
			want: []string{"will scale up", "1 × small in dc1 for NodeGroup default/general, $10.00/month"}},
		{name: "a booting node takes it: the run and its Web UI link",
			objs: objects(base, booting("boot-1", "general", "small", "abc12345"), pending("web", "500m", "1Gi")), pod: "web",
			want: []string{"waiting", "boot-1", "scaleup/default/general/abc12345",
				"http://ui.example:8233/namespaces/default/workflows/scaleup/default/general/abc12345"}},
		{name: "a node just asked for, its VPSieNode without a phase yet: no empty field printed",
			objs: objects(base, phaseless(booting("boot-1", "general", "small", "abc12345")), pending("web", "500m", "1Gi")), pod: "web",
			want: []string{"node boot-1 (VPSieNode default/boot-1) is booting"}},
		{name: "a running pod needs nothing", objs: base, pod: "busy", want: []string{"Running on node n1", "nothing to do"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.objs, "explain", "pod", tt.pod)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.errOut)
			}
			contains(t, r, tt.want...)
		})
	}
}

func TestExplainNodeListsEveryBlockingReason(t *testing.T) {
	base := objects(group("general", 0, 5, "small", "large"), member("n1", "general", "large", "4", "8Gi"),
		member("n2", "general", "large", "4", "8Gi"), running("db-0", "n1", "100m", "128Mi"))
	tests := []struct {
		name string
		objs []client.Object
		want []string
	}{
		{name: "held by a PDB names the PDB", objs: objects(base, pdb("db-pdb", "db-0", 0)),
			want: []string{"keeps it", "PodDisruptionBudget", "db-pdb", "0 disruptions allowed", "CPU 2%"}},
		{name: "a drain limit another node takes is this pass's verdict", objs: base,
			want: []string{"keeps it (this pass: DrainLimit"}},
		{name: "nothing holds it: drained, and rebalance would move it to small",
			objs: objects(rebalancing(base), running("busy", "n2", "3", "1Gi")), want: []string{"would drain it now", "Underutilized", "replace large by small, saving $30.00/month"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.objs, "explain", "node", "n1")
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.errOut)
			}
			contains(t, r, tt.want...)
		})
	}
}

// rebalancing is objs with rebalancing on for their NodeGroups (copies).
func rebalancing(objs []client.Object) []client.Object {
	out := make([]client.Object, len(objs))
	for i, o := range objs {
		out[i] = o
		if g, ok := o.(*v1alpha1.NodeGroup); ok {
			g = g.DeepCopy()
			g.Spec.RebalancePolicy.Enabled = true
			out[i] = g
		}
	}
	return out
}
