package clusterview

import (
	"context"
	"fmt"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// source is what Read reads from: the reader, and its informers when it is an informer
// cache.
type source struct {
	reader    client.Reader
	informers cache.Informers
}

// indexed is what a controller-runtime informer is underneath (client-go's shared index
// informer); the multi-namespace cache's informers are not, and are listed instead.
type indexed interface {
	GetIndexer() toolscache.Indexer
}

// readAll is every object of item's kind (list is its list type), as pointers to the
// source's own objects, in the source's order.
func readAll[P client.Object](ctx context.Context, s source, item P, list client.ObjectList) ([]P, error) {
	items, err := s.objects(ctx, item, list)
	if err != nil {
		return nil, fmt.Errorf("reading %T: %w", list, err)
	}
	out := make([]P, 0, len(items))
	for _, it := range items {
		o, ok := it.(P)
		if !ok {
			return nil, fmt.Errorf("reading %T: the cache holds a %T", list, it)
		}
		out = append(out, o)
	}
	return out, nil
}

// objects are list's items: the informer store's own slice of pointers when there is one,
// else a List (no deep copy) whose Items the result points into.
func (s source) objects(ctx context.Context, item client.Object, list client.ObjectList) ([]any, error) {
	if s.informers != nil {
		// GetInformer starts the kind's informer and waits for it to sync, as a List would.
		inf, err := s.informers.GetInformer(ctx, item)
		if err != nil {
			return nil, err
		}
		if i, ok := inf.(indexed); ok {
			return i.GetIndexer().List(), nil
		}
	}
	if err := s.reader.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	objs, err := apimeta.ExtractList(list)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(objs))
	for i, o := range objs {
		out[i] = o
	}
	return out, nil
}
