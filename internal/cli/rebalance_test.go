package cli

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestRebalanceWithoutTemporalUsesTheAnnotation(t *testing.T) {
	tests := []struct{ action, value string }{
		{"start", v1alpha1.RebalanceNow}, {"pause", v1alpha1.RebalancePause},
		{"resume", v1alpha1.RebalanceResume}, {"rollback", v1alpha1.RebalanceRollback},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			a, out, errOut := testApp(t, objects(group("general", 0, 5, "small")))
			if code := Run(context.Background(), a, []string{"rebalance", tt.action, "general"}); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			g := &v1alpha1.NodeGroup{}
			if err := a.kube.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: "general"}, g); err != nil {
				t.Fatal(err)
			}
			if got := g.Annotations[v1alpha1.AnnotationRebalance]; got != tt.value {
				t.Errorf("annotation = %q, want %q", got, tt.value)
			}
			if !strings.Contains(out.String(), "annotated NodeGroup default/general") {
				t.Errorf("output %q does not say what it did", out)
			}
		})
	}
}

func TestRebalanceSignalsTheRunThroughTemporal(t *testing.T) {
	for _, action := range []string{"pause", "resume", "rollback", "cancel"} {
		t.Run(action, func(t *testing.T) {
			a, out, errOut := testApp(t, objects(group("general", 0, 5, "small")))
			tc := mocks.NewClient(t)
			tc.On("SignalWorkflow", mock.Anything, "rebalance/default/general", "", rebalanceActions[action].signal, nil).Return(nil).Once()
			tc.On("Close").Return()
			a.NewTemporal = func(context.Context) (sdkclient.Client, error) { return tc, nil }
			if code := Run(context.Background(), a, []string{"rebalance", action, "general"}); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out.String(), "through Temporal") || !strings.Contains(out.String(), "/workflows/rebalance/default/general") {
				t.Errorf("output %q lacks the signal and the Web UI link", out)
			}
			g := &v1alpha1.NodeGroup{}
			_ = a.kube.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: "general"}, g)
			if v, ok := g.Annotations[v1alpha1.AnnotationRebalance]; ok {
				t.Errorf("annotated %q as well as signalled", v)
			}
		})
	}
}

func TestRebalanceStatusWatchDrawsABarPerBatchUntilTheRunEnds(t *testing.T) {
	g := group("general", 0, 5, "small")
	started := metav1.NewTime(testNow)
	g.Status.Rebalance = &v1alpha1.NodeGroupRebalanceStatus{PlanID: "p1", Strategy: "rolling", Phase: contract.RebalancePhaseProvisioning,
		BatchesTotal: 4, StartedAt: &started}
	a, out, errOut := testApp(t, objects(g))
	dials := 0
	a.NewTemporal = func(context.Context) (sdkclient.Client, error) {
		dials++
		return nil, temporalError("t:7233", errors.New("refused"))
	}
	polls := 0
	a.Sleep = func(ctx context.Context, _ time.Duration) error {
		polls++
		cur := &v1alpha1.NodeGroup{}
		if err := a.kube.Get(ctx, client.ObjectKeyFromObject(g), cur); err != nil {
			return err
		}
		r := cur.Status.Rebalance
		r.BatchesDone++
		if r.BatchesDone == r.BatchesTotal {
			r.Phase, r.Outcome, r.FinishedAt = contract.RebalancePhaseCompleted, contract.RebalanceCompleted, &started
		}
		return a.kube.Update(ctx, cur)
	}
	if code := Run(context.Background(), a, []string{"rebalance", "status", "general", "--watch"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := []string{
		"default/general [--------------------] 0/4 batches Provisioning",
		"default/general [#####---------------] 1/4 batches Provisioning",
		"default/general [##########----------] 2/4 batches Provisioning",
		"default/general [###############-----] 3/4 batches Provisioning",
		"default/general [####################] 4/4 batches Completed",
		"run ended: Completed",
	}
	if got := strings.Split(strings.TrimSpace(out.String()), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("watch printed\n%s\nwant\n%s", out, strings.Join(want, "\n"))
	}
	if polls != 4 {
		t.Errorf("polled %d times, want 4", polls)
	}
	if dials != 1 {
		t.Errorf("dialled an unreachable Temporal %d times, want once (each dial may cost its timeout)", dials)
	}
}

func TestRebalanceStatusPrefersTheRunsOwnProgress(t *testing.T) {
	a, out, errOut := testApp(t, objects(group("general", 0, 5, "small")))
	tc := mocks.NewClient(t)
	val := &mocks.Value{}
	val.On("Get", mock.Anything).Run(func(args mock.Arguments) {
		*args.Get(0).(*contract.RebalanceProgress) = contract.RebalanceProgress{PlanID: "p9", Strategy: "surge", Phase: contract.RebalancePhasePaused,
			Paused: true, BatchesDone: 1, BatchesTotal: 2}
	}).Return(nil)
	tc.On("QueryWorkflow", mock.Anything, "rebalance/default/general", "", contract.RebalanceQueryProgress).Return(val, nil)
	tc.On("Close").Return()
	a.NewTemporal = func(context.Context) (sdkclient.Client, error) { return tc, nil }
	if code := Run(context.Background(), a, []string{"rebalance", "status", "general"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"(from temporal)", "p9 (surge)", "1/2 batches Paused (paused)"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestAnUnreachableTemporalIsReportedWithWhatToDo(t *testing.T) {
	a, _, errOut := testApp(t, objects(group("general", 0, 5, "small")))
	a.NewTemporal = func(context.Context) (sdkclient.Client, error) {
		return nil, temporalError("10.0.0.1:7233", errors.New("connection refused"))
	}
	if code := Run(context.Background(), a, []string{"rebalance", "cancel", "general"}); code != ExitTemporalUnreachable {
		t.Fatalf("exit %d, want %d", code, ExitTemporalUnreachable)
	}
	if !strings.Contains(errOut.String(), "temporal not reachable at 10.0.0.1:7233") || !strings.Contains(errOut.String(), "port-forward") {
		t.Errorf("stderr %q", errOut)
	}
}
