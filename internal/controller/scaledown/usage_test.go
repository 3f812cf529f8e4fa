package scaledown

import (
	"context"
	"errors"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// metricsAPI answers List for NodeMetricsList with items, or with err.
type metricsAPI struct {
	items []map[string]any
	err   error
	calls int
}

func (m *metricsAPI) Get(context.Context, client.ObjectKey, client.Object, ...client.GetOption) error {
	return errors.New("not used")
}

func (m *metricsAPI) List(_ context.Context, list client.ObjectList, _ ...client.ListOption) error {
	m.calls++
	if m.err != nil {
		return m.err
	}
	ul := list.(*unstructured.UnstructuredList)
	for _, it := range m.items {
		ul.Items = append(ul.Items, unstructured.Unstructured{Object: it})
	}
	return nil
}

func nodeMetrics(name, cpu, mem string) map[string]any {
	return map[string]any{"metadata": map[string]any{"name": name}, "usage": map[string]any{"cpu": cpu, "memory": mem}}
}

func TestNodeUsageIsReadFromMetricsAPIWhenServed(t *testing.T) {
	now := time.Unix(1000, 0)
	notServed := &meta.NoKindMatchError{GroupKind: schema.GroupKind{Group: "metrics.k8s.io", Kind: "NodeMetricsList"}}
	cases := []struct {
		name      string
		api       *metricsAPI
		want      map[string]nodeUsage
		askedNext bool // a second read a minute later calls the API again
	}{
		{name: "usage of each node, in millicores and bytes", askedNext: true,
			api:  &metricsAPI{items: []map[string]any{nodeMetrics("n1", "250m", "1Gi"), nodeMetrics("n2", "2", "512Mi")}},
			want: map[string]nodeUsage{"n1": {250, 1 << 30}, "n2": {2000, 512 << 20}}},
		{name: "not served: requests only, and not asked again for a while", api: &metricsAPI{err: notServed}},
		{name: "a passing failure: requests only this time, asked again next time", api: &metricsAPI{err: errors.New("timeout")},
			askedNext: true},
		{name: "an unparsable quantity drops that node only", askedNext: true,
			api:  &metricsAPI{items: []map[string]any{nodeMetrics("n1", "lots", "1Gi"), nodeMetrics("n2", "1", "1Gi")}},
			want: map[string]nodeUsage{"n2": {1000, 1 << 30}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := &usageReader{reader: tc.api}
			got := u.read(context.Background(), now)
			if len(got) != len(tc.want) {
				t.Fatalf("usage = %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: %v, want %v", k, got[k], v)
				}
			}
			u.read(context.Background(), now.Add(time.Minute))
			if asked := tc.api.calls == 2; asked != tc.askedNext {
				t.Errorf("asked again a minute later: %v, want %v", asked, tc.askedNext)
			}
		})
	}
}
