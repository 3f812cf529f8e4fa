package nodegroup

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/vpsie/vpsie-autoscaler/internal/metrics"
)

// failingStatusWrites fails the first len(errs) status writes with errs, in order.
func failingStatusWrites(c client.Client, errs ...error) client.Client {
	return interceptor.NewClient(c.(client.WithWatch), interceptor.Funcs{
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, o client.Object, opts ...client.SubResourceUpdateOption) error {
			if len(errs) > 0 {
				err := errs[0]
				errs = errs[1:]
				return err
			}
			return c.SubResource(sub).Update(ctx, o, opts...)
		},
	})
}

func TestStatusWriteFailuresAndTheStatusLoopAreCounted(t *testing.T) {
	gr := schema.GroupResource{Group: "autoscaler.vpsie.com", Resource: "nodegroups"}
	tests := []struct {
		name          string
		errs          []error
		wantReason    string
		wantFailures  float64
		wantPassError float64
	}{
		{name: "a conflict is retried and the pass succeeds", errs: []error{apierrors.NewConflict(gr, "workers", nil)},
			wantReason: "conflict", wantFailures: 1},
		{name: "an invalid status fails the pass", errs: []error{apierrors.NewInvalid(schema.GroupKind{Kind: "NodeGroup"}, "workers", nil)},
			wantReason: "invalid", wantFailures: 1, wantPassError: 1},
		{name: "a successful write counts no failure", wantReason: "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m, err := NewMetrics(reg)
			if err != nil {
				t.Fatal(err)
			}
			ctrl := NewController(failingStatusWrites(twoNamespaces(t), tt.errs...), clocktesting.NewFakeClock(t0.Time), m)
			key := types.NamespacedName{Namespace: "team-a", Name: "workers"}
			_, err = ctrl.Reconcile(context.Background(), reconcile.Request{NamespacedName: key})
			if (err != nil) != (tt.wantPassError > 0) {
				t.Fatalf("reconcile error = %v, want error %v", err, tt.wantPassError > 0)
			}
			if got := testutil.ToFloat64(m.writeFailures.WithLabelValues("NodeGroup", tt.wantReason)); got != tt.wantFailures {
				t.Errorf("status_update_failures_total{reason=%s} = %v, want %v", tt.wantReason, got, tt.wantFailures)
			}
			errs := statusLoopValue(t, reg, "vpsie_autoscaler_loop_pass_errors_total")
			if errs != tt.wantPassError {
				t.Errorf("status loop pass errors = %v, want %v", errs, tt.wantPassError)
			}
			last := statusLoopValue(t, reg, "vpsie_autoscaler_loop_last_success_timestamp_seconds")
			if (last > 0) == (tt.wantPassError > 0) {
				t.Errorf("status loop last success = %v, want set only after a successful pass", last)
			}
		})
	}
}

// statusLoopValue is the value of the status loop's series of the loop metric name (0 when absent).
func statusLoopValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == "loop" && l.GetValue() == metrics.LoopStatus {
					return s.GetCounter().GetValue() + s.GetGauge().GetValue()
				}
			}
		}
	}
	return 0
}
