package scaledown

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/utilization"
)

// histogram is the sample count and sum of the registry's histogram name (the sum over
// its series), gathered as a scrape would.
func histogram(t *testing.T, reg *prometheus.Registry, name string) (count uint64, sum float64) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			count += m.GetHistogram().GetSampleCount()
			sum += m.GetHistogram().GetSampleSum()
		}
	}
	return count, sum
}

// counter is the value of the registry's counter name in the series whose label is value.
func counter(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == label && lp.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func utilizationSampleAt(at time.Time) utilization.Sample {
	return utilization.Sample{At: at, CPUAllocatable: 2000, MemoryAllocatable: 4 << 30}
}

// observationOf is what observe reads from r at now, without metrics.k8s.io usage.
func observationOf(t *testing.T, r client.Reader, now time.Time) observation {
	t.Helper()
	v, err := clusterview.Read(context.Background(), r, clusterview.Options{Clock: clocktesting.NewFakePassiveClock(now),
		PDBs: true, Volumes: true})
	if err != nil {
		t.Fatal(err)
	}
	return newObservation(v)
}

// fakeClient is a fake API server holding objs.
func fakeClient(objs ...client.Object) client.Client {
	return fake.NewClientBuilder().WithScheme(testenv.NewScheme()).WithObjects(objs...).Build()
}
