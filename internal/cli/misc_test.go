package cli

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestColoursOnlyWhenAskedOrOnATerminal(t *testing.T) {
	objs := objects(group("general", 0, 5, "small"))
	for _, tt := range []struct {
		color string
		ansi  bool
	}{{"always", true}, {"never", false}, {"auto", false}} { // auto: a buffer is no terminal
		t.Run(tt.color, func(t *testing.T) {
			a, out, _ := testApp(t, objs)
			a.Color = tt.color
			if code := Run(context.Background(), a, []string{"get", "ng"}); code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			if got := strings.Contains(out.String(), "\x1b["); got != tt.ansi {
				t.Errorf("ANSI escapes %v, want %v:\n%q", got, tt.ansi, out)
			}
		})
	}
}

func TestShellCompletionIsGenerated(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := run(t, nil, "completion", shell)
		if r.code != ExitOK || !strings.Contains(r.out, "kubectl") {
			t.Errorf("%s completion: exit %d, %d bytes", shell, r.code, len(r.out))
		}
	}
}

func TestGetNodeGroupsStateReadsTheStatus(t *testing.T) {
	started := metav1.NewTime(testNow)
	tests := []struct {
		name string
		edit func(*v1alpha1.NodeGroup)
		want string
	}{
		{name: "steady", edit: func(*v1alpha1.NodeGroup) {}, want: "steady"},
		{name: "rebalancing with progress", edit: func(g *v1alpha1.NodeGroup) {
			g.Status.Rebalance = &v1alpha1.NodeGroupRebalanceStatus{Phase: "Draining", BatchesDone: 1, BatchesTotal: 3, StartedAt: &started, Paused: true}
		}, want: "rebalancing 1/3 batches (Draining) paused"},
		{name: "blocked and why", edit: func(g *v1alpha1.NodeGroup) {
			g.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionScaleUpBlocked, Status: metav1.ConditionTrue,
				Reason: "BackingOff", Message: "backing off until 2026-03-01T12:05:00Z after a failed node"}}
		}, want: "blocked: BackingOff: backing off until 2026-03-01T12:05:00Z"},
		{name: "scaling", edit: func(g *v1alpha1.NodeGroup) {
			g.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionScaling, Status: metav1.ConditionTrue,
				Reason: "ScalingUp", Message: "2 nodes provisioning, 0 terminating"}}
		}, want: "scaling: 2 nodes provisioning"},
		{name: "frozen mode", edit: func(g *v1alpha1.NodeGroup) {
			no := false
			g.Spec.ScaleUpPolicy.Enabled, g.Spec.ScaleDownPolicy.Enabled = &no, &no
		}, want: "frozen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := group("general", 0, 5, "small")
			tt.edit(g)
			r := run(t, objects(g), "get", "ng")
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.errOut)
			}
			contains(t, r, tt.want)
		})
	}
}

func TestNodeGroupNamesCompleteFromTheCluster(t *testing.T) {
	objs := objects(group("general", 0, 5, "small"), group("gpu", 0, 5, "small"))
	for _, args := range [][]string{{"__complete", "plan", ""}, {"__complete", "rebalance", "pause", "g"}, {"__complete", "runs", ""}} {
		r := run(t, objs, args...)
		if r.code != ExitOK || !strings.Contains(r.out, "general\ngpu\n") {
			t.Errorf("%v: exit %d, completions %q", args, r.code, r.out)
		}
	}
}
