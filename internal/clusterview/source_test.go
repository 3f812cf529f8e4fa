package clusterview

import (
	"context"
	"fmt"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// informerCache is the manager's cache as Read sees it: an informer per kind whose indexer
// holds the objects, and a reader whose List must not be needed. Only GetInformer of the
// embedded (nil) cache.Informers is implemented.
type informerCache struct {
	*recorder
	cache.Informers
	stores   map[string]toolscache.Indexer // by fmt %T of the object
	informed []string
	indexer  bool // the informers expose GetIndexer
}

type storeInformer struct {
	cache.Informer
	store toolscache.Indexer
}

func (s storeInformer) GetIndexer() toolscache.Indexer { return s.store }

// plainInformer has no indexer to offer (as the multi-namespace cache's informers).
type plainInformer struct{ cache.Informer }

func (c *informerCache) GetInformer(_ context.Context, obj client.Object, _ ...cache.InformerGetOption) (cache.Informer, error) {
	kind := fmt.Sprintf("%T", obj)
	c.informed = append(c.informed, kind)
	store, ok := c.stores[kind]
	if !ok {
		store = toolscache.NewIndexer(toolscache.MetaNamespaceKeyFunc, toolscache.Indexers{})
		c.stores[kind] = store
	}
	if !c.indexer {
		return plainInformer{}, nil
	}
	return storeInformer{store: store}, nil
}

func newInformerCache(t testing.TB, indexer bool, objs ...client.Object) *informerCache {
	t.Helper()
	r := &recorder{}
	if tt, ok := t.(*testing.T); ok {
		r, _ = fakeReader(tt, objs...)
	}
	c := &informerCache{recorder: r, stores: map[string]toolscache.Indexer{}, indexer: indexer}
	for _, o := range objs {
		kind := fmt.Sprintf("%T", o)
		if c.stores[kind] == nil {
			c.stores[kind] = toolscache.NewIndexer(toolscache.MetaNamespaceKeyFunc, toolscache.Indexers{})
		}
		if err := c.stores[kind].Add(o); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestAnInformerCacheIsReadFromItsStoresWithoutListOrCopy(t *testing.T) {
	n1, n2 := node("n2"), node("n1")
	bound, pending := pod("a", "p1", "n1"), pod("a", "p0", "", unschedulableCond)
	c := newInformerCache(t, true, n1, n2, bound, pending, vpsieNode("a", "vn", "g"))
	v := read(t, c, Options{PDBs: true, Volumes: true, DaemonSets: true})
	if len(c.lists) != 0 {
		t.Errorf("listed %v; an informer cache is read from its stores", c.lists)
	}
	want := []string{"*v1.Node", "*v1.Pod", "*v1alpha1.NodeGroup", "*v1alpha1.VPSieNode",
		"*v1.PodDisruptionBudget", "*v1.PersistentVolumeClaim", "*v1.PersistentVolume", "*v1.DaemonSet"}
	if !slices.Equal(c.informed, want) {
		t.Errorf("read the informers of %v, want %v (Nodes before Pods)", c.informed, want)
	}
	if !slices.Equal(names(v.Nodes), []string{"n1", "n2"}) || v.Nodes[0] != n2 || v.Nodes[1] != n1 {
		t.Errorf("Nodes = %v: want the stores' own objects, sorted by name", names(v.Nodes))
	}
	if got := v.PodsOn("n1"); len(got) != 1 || got[0] != bound {
		t.Errorf("PodsOn(n1) = %v, want the store's pod itself", names(got))
	}
	if len(v.Pending) != 1 || v.Pending[0] != pending {
		t.Errorf("Pending = %v, want the store's pod itself", names(v.Pending))
	}
	if got := v.VPSieNodesOf(types.NamespacedName{Namespace: "a", Name: "g"}); len(got) != 1 {
		t.Errorf("VPSieNodesOf(a/g) = %v", names(got))
	}
}

func TestAnInformerWithoutAnIndexerIsListed(t *testing.T) {
	c := newInformerCache(t, false, node("n1"), pod("a", "p1", "n1"))
	v := read(t, c, Options{})
	want := []string{"*v1.NodeList", "*v1.PodList", "*v1alpha1.NodeGroupList", "*v1alpha1.VPSieNodeList"}
	if !slices.Equal(c.lists, want) || slices.Contains(c.unsafe, false) {
		t.Errorf("listed %v (no deep copy: %v), want %v without deep copies", c.lists, c.unsafe, want)
	}
	if len(v.Nodes) != 1 || len(v.PodsOn("n1")) != 1 {
		t.Errorf("View = %v nodes, %v on n1", names(v.Nodes), names(v.PodsOn("n1")))
	}
}

func TestAnObjectOfTheWrongKindInAStoreFailsTheRead(t *testing.T) {
	c := newInformerCache(t, true, node("n1"))
	if err := c.stores[fmt.Sprintf("%T", &corev1.Node{})].Add(pod("a", "stray", "")); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(context.Background(), c, Options{}); err == nil {
		t.Fatal("Read of a store holding a Pod among Nodes succeeded")
	}
}
