package scaledown

import (
	"context"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

// nodeMetricsList is metrics-server's list of node usage; read unstructured, so the product
// needs no metrics client for a value it reads in two fields.
var nodeMetricsList = schema.GroupVersionKind{Group: "metrics.k8s.io", Version: "v1beta1", Kind: "NodeMetricsList"}

// recheckUnserved is how long a cluster without metrics.k8s.io goes unasked.
const recheckUnserved = 5 * time.Minute

// nodeUsage is a node's measured CPU (millicores) and memory (bytes).
type nodeUsage struct{ cpuMilli, memoryBytes int64 }

// usageReader reads node usage from metrics.k8s.io when the cluster serves it. It reads
// through the API, never a cache: the metrics API cannot be watched.
type usageReader struct {
	reader client.Reader
	mu     sync.Mutex
	skip   time.Time // not served: ask again after this
}

// read returns each node's usage, or nil when the API is not served or failed this time
// (the samples then hold requests only, as cluster-autoscaler's do).
func (u *usageReader) read(ctx context.Context, now time.Time) map[string]nodeUsage {
	if u == nil || u.reader == nil {
		return nil
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if now.Before(u.skip) {
		return nil
	}
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(nodeMetricsList)
	if err := u.reader.List(ctx, list); err != nil {
		// Not served (no metrics-server), or registered but down: requests only, for a while.
		if meta.IsNoMatchError(err) || apierrors.IsNotFound(err) || apierrors.IsServiceUnavailable(err) {
			u.skip = now.Add(recheckUnserved)
		} else {
			log.FromContext(ctx).V(1).Info("Reading node usage from metrics.k8s.io failed", "err", err.Error())
		}
		return nil
	}
	out := make(map[string]nodeUsage, len(list.Items))
	for _, item := range list.Items {
		cpu, _, _ := unstructured.NestedString(item.Object, "usage", "cpu")
		mem, _, _ := unstructured.NestedString(item.Object, "usage", "memory")
		c, cerr := resource.ParseQuantity(cpu)
		m, merr := resource.ParseQuantity(mem)
		if cerr == nil && merr == nil {
			out[item.GetName()] = nodeUsage{cpuMilli: c.MilliValue(), memoryBytes: m.Value()}
		}
	}
	return out
}
