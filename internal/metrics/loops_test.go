package metrics

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestALoopExportsItsLastSuccessErrorsAndInterval(t *testing.T) {
	reg := prometheus.NewRegistry()
	up, err := NewLoop(reg, LoopScaleUp)
	if err != nil {
		t.Fatal(err)
	}
	down, err := NewLoop(reg, LoopScaleDown)
	if err != nil {
		t.Fatal(err)
	}
	up.SetInterval(30 * time.Second)
	before := float64(time.Now().Unix())
	up.Done(time.Now(), nil)
	down.Done(time.Now(), errors.New("observing failed"))
	down.Done(time.Now(), fmt.Errorf("listing nodes: %w", errors.New("observing failed")))
	down.Done(time.Now(), fmt.Errorf("listing nodes: %w", context.Canceled)) // shutdown: not a failure

	if got := testutil.ToFloat64(up.lastSuccess); got < before {
		t.Errorf("scale_up last success = %v, want at least %v", got, before)
	}
	if got := testutil.ToFloat64(down.lastSuccess); got != 0 {
		t.Errorf("scale_down last success = %v after failed passes only, want 0", got)
	}
	if got := testutil.ToFloat64(down.errors); got != 2 {
		t.Errorf("scale_down pass errors = %v, want 2", got)
	}
	if got := testutil.ToFloat64(up.errors); got != 0 {
		t.Errorf("scale_up pass errors = %v, want 0", got)
	}
	if got := testutil.ToFloat64(up.interval); got != 30 {
		t.Errorf("scale_up interval = %v, want 30", got)
	}
	if n := testutil.CollectAndCount(reg, "vpsie_autoscaler_loop_pass_duration_seconds"); n != 2 {
		t.Errorf("pass duration series = %d, want one per loop", n)
	}
}

func TestANilLoopRecordsNothing(t *testing.T) {
	var l *Loop
	l.SetInterval(time.Second)
	l.Done(time.Now(), errors.New("x"))
}

func TestASecondOperatorReusesTheLoopMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	first, err := NewLoop(reg, LoopRebalance)
	if err != nil {
		t.Fatal(err)
	}
	second, err := NewLoop(reg, LoopRebalance)
	if err != nil {
		t.Fatal(err)
	}
	first.Done(time.Now(), errors.New("x"))
	second.Done(time.Now(), errors.New("x"))
	if got := testutil.ToFloat64(first.errors); got != 2 {
		t.Errorf("pass errors = %v, want both operators' 2 on one series", got)
	}
}

func TestWorkflowFailuresAreCountedByTypeAndGroup(t *testing.T) {
	reg := prometheus.NewRegistry()
	w, err := NewWorkflowFailures(reg)
	if err != nil {
		t.Fatal(err)
	}
	w.Failed("ScaleUp", "ns", "workers")
	w.Failed("ScaleUp", "ns", "workers")
	w.Failed("DrainAndDelete", "ns", "workers")
	var none *WorkflowFailures
	none.Failed("ScaleUp", "ns", "workers")
	if got := testutil.ToFloat64(w.vec.WithLabelValues("ScaleUp", "ns", "workers")); got != 2 {
		t.Errorf("ScaleUp failures = %v, want 2", got)
	}
	if got := testutil.ToFloat64(w.vec.WithLabelValues("DrainAndDelete", "ns", "workers")); got != 1 {
		t.Errorf("DrainAndDelete failures = %v, want 1", got)
	}
}
