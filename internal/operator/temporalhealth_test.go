package operator

import (
	"context"
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"k8s.io/utils/clock"
)

func TestTemporalHealthExportsWhetherTheLastCheckSucceeded(t *testing.T) {
	var failing bool
	h, err := newTemporalHealth(prometheus.NewRegistry(), clock.RealClock{}, func(context.Context) error {
		if failing {
			return errors.New("connection refused")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		failing      bool
		up, failures float64
	}{{false, 1, 0}, {true, 0, 1}, {true, 0, 2}, {false, 1, 2}}
	for i, s := range steps {
		failing = s.failing
		h.probe(context.Background())
		if up, f := testutil.ToFloat64(h.up), testutil.ToFloat64(h.failures); up != s.up || f != s.failures {
			t.Errorf("step %d: temporal_up = %v, failures = %v; want %v, %v", i, up, f, s.up, s.failures)
		}
	}
}
