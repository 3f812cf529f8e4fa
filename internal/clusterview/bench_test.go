package clusterview

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// memReader is an in-memory client.Reader that hands out pre-built lists; the fake client
// deep-copies on every List, which would swamp what a View costs.
//
// With a store it lists as controller-runtime's CacheReader does (cache_reader.go): the
// store's pointers into a []runtime.Object, deep-copied unless UnsafeDisableDeepCopy, then
// apimeta.SetList, which copies each struct shallowly into a fresh Items. With lists it
// hands out the very list it holds (Items shared): what remains is the View's own work.
type memReader struct {
	store map[reflect.Type][]runtime.Object // by list type
	lists map[string]client.ObjectList      // by fmt %T of the list
}

func (m *memReader) Get(context.Context, client.ObjectKey, client.Object, ...client.GetOption) error {
	return errors.New("memReader: Get not supported")
}

func (m *memReader) List(_ context.Context, l client.ObjectList, opts ...client.ListOption) error {
	if m.store != nil {
		var lo client.ListOptions
		lo.ApplyOptions(opts)
		src := m.store[reflect.TypeOf(l)]
		out := make([]runtime.Object, 0, len(src))
		for _, o := range src {
			if lo.UnsafeDisableDeepCopy == nil || !*lo.UnsafeDisableDeepCopy {
				o = o.DeepCopyObject()
			}
			out = append(out, o)
		}
		return apimeta.SetList(l, out)
	}
	if src, ok := m.lists[fmt.Sprintf("%T", l)]; ok {
		reflect.ValueOf(l).Elem().Set(reflect.ValueOf(src).Elem())
	}
	return nil
}

const (
	benchNodes = 1000
	benchPods  = 10000 // 500 of them pending, the rest 9.5 a node
)

// benchCluster is a cluster of benchNodes Nodes and benchPods Pods with pods shaped like
// the stripped ones the cache holds (labels, owner, requests, tolerations, conditions).
func benchCluster() map[reflect.Type][]runtime.Object {
	s := map[reflect.Type][]runtime.Object{}
	add := func(l client.ObjectList, o runtime.Object) {
		s[reflect.TypeOf(l)] = append(s[reflect.TypeOf(l)], o)
	}
	for i := range benchNodes {
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("node-%04d", i),
			Labels: map[string]string{"kubernetes.io/hostname": fmt.Sprintf("node-%04d", i), v1alpha1.LabelNodeGroup: fmt.Sprintf("g%02d", i%20)}},
			Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"),
				corev1.ResourceMemory: resource.MustParse("8Gi"), corev1.ResourcePods: resource.MustParse("110")}}}
		add(&corev1.NodeList{}, n)
		add(&v1alpha1.VPSieNodeList{}, &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "vpsie", Name: fmt.Sprintf("vn-%04d", i)},
			Spec: v1alpha1.VPSieNodeSpec{NodeGroup: fmt.Sprintf("g%02d", i%20), Hostname: n.Name}})
	}
	for i := range 20 {
		add(&v1alpha1.NodeGroupList{}, &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "vpsie", Name: fmt.Sprintf("g%02d", i)}})
	}
	for i := range benchPods {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: fmt.Sprintf("ns-%02d", i%50), Name: fmt.Sprintf("pod-%05d", i),
				Labels:          map[string]string{"app": fmt.Sprintf("app-%03d", i%300), "pod-template-hash": "abcdef"},
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: fmt.Sprintf("app-%03d-abcdef", i%300)}}},
			Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1", Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")}}}},
				Tolerations: []corev1.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}},
			},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}}},
		}
		if i%20 == 0 {
			p.Status.Phase = corev1.PodPending
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable}}
		} else {
			p.Spec.NodeName = fmt.Sprintf("node-%04d", (i*7919)%benchNodes)
		}
		add(&corev1.PodList{}, p)
	}
	for i := range 100 {
		add(&policyv1.PodDisruptionBudgetList{}, &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: fmt.Sprintf("ns-%02d", i%50), Name: fmt.Sprintf("pdb-%03d", i)}})
	}
	for i := range 500 {
		add(&corev1.PersistentVolumeClaimList{}, &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: fmt.Sprintf("ns-%02d", i%50), Name: fmt.Sprintf("pvc-%03d", i)},
			Spec: corev1.PersistentVolumeClaimSpec{VolumeName: fmt.Sprintf("pv-%03d", i)}})
		add(&corev1.PersistentVolumeList{}, &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("pv-%03d", i)}})
	}
	for i := range 10 {
		add(&appsv1.DaemonSetList{}, &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: fmt.Sprintf("ds-%02d", i)}})
	}
	return s
}

var benchOptions = []struct {
	name string
	opts Options
}{
	{"scale-up", Options{DaemonSets: true}},
	{"scale-down+rebalance", Options{PDBs: true, Volumes: true}},
	{"everything", Options{PDBs: true, Volumes: true, DaemonSets: true}},
}

// BenchmarkRead is a whole Read at 1000 nodes and 10 000 pods against a reader that lists
// as the informer cache does: the lists' own cost (a shallow copy of every object into
// Items) is in the numbers.
func BenchmarkRead(b *testing.B) {
	r := &memReader{store: benchCluster()}
	for _, bo := range benchOptions {
		b.Run(fmt.Sprintf("%s/%d-nodes/%d-pods", bo.name, benchNodes, benchPods), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v, err := Read(context.Background(), r, bo.opts)
				if err != nil || len(v.Nodes) != benchNodes {
					b.Fatalf("Read: %v, %d nodes", err, len(v.Nodes))
				}
			}
		})
	}
}

// BenchmarkReadFromStores is the same Read against an informer cache (what the
// controllers pass since they read the manager's cache): the stores' objects are taken
// as they are, so what remains is the stores' own List (a slice of interfaces) and the View.
func BenchmarkReadFromStores(b *testing.B) {
	var objs []client.Object
	for _, kind := range benchCluster() {
		for _, o := range kind {
			objs = append(objs, o.(client.Object))
		}
	}
	c := newInformerCache(b, true, objs...)
	for _, bo := range benchOptions {
		b.Run(fmt.Sprintf("%s/%d-nodes/%d-pods", bo.name, benchNodes, benchPods), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.informed = c.informed[:0]
				v, err := Read(context.Background(), c, bo.opts)
				if err != nil || len(v.Nodes) != benchNodes {
					b.Fatalf("Read: %v, %d nodes", err, len(v.Nodes))
				}
			}
		})
	}
}

// BenchmarkIndex is the View's own work: the reader hands out the same lists every time.
func BenchmarkIndex(b *testing.B) {
	store := benchCluster()
	lists := map[string]client.ObjectList{}
	for _, l := range []client.ObjectList{&corev1.NodeList{}, &corev1.PodList{}, &v1alpha1.NodeGroupList{}, &v1alpha1.VPSieNodeList{},
		&policyv1.PodDisruptionBudgetList{}, &corev1.PersistentVolumeClaimList{}, &corev1.PersistentVolumeList{}, &appsv1.DaemonSetList{}} {
		if err := apimeta.SetList(l, store[reflect.TypeOf(l)]); err != nil {
			b.Fatal(err)
		}
		lists[fmt.Sprintf("%T", l)] = l
	}
	r := &memReader{lists: lists}
	b.Run(fmt.Sprintf("everything/%d-nodes/%d-pods", benchNodes, benchPods), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Read(context.Background(), r, benchOptions[2].opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLookups is what a planner pays to walk the View: every Node, its pods, its
// VPSieNode's group and every group's VPSieNodes.
func BenchmarkLookups(b *testing.B) {
	v, err := Read(context.Background(), &memReader{store: benchCluster()}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		pods := 0
		for _, n := range v.Nodes {
			pods += len(v.PodsOn(n.Name))
			if v.Node(n.Name) != n {
				b.Fatal("Node lookup")
			}
		}
		for _, g := range v.NodeGroups {
			pods += len(v.VPSieNodesOf(client.ObjectKeyFromObject(g)))
		}
		if pods != benchPods-benchPods/20+benchNodes {
			b.Fatalf("walked %d", pods)
		}
	}
}

// legacyNode is the planners' ExistingNode of today: a Node and its pods by value.
type legacyNode struct {
	Node corev1.Node
	Pods []corev1.Pod
}

// BenchmarkLegacyObserve is the baseline: today's observe of scale-down (no deep copy, but
// pods and nodes copied by value into ExistingNodes) and of rebalance (the same, after a
// deep copy of every object by the cache).
func BenchmarkLegacyObserve(b *testing.B) {
	r := &memReader{store: benchCluster()}
	for _, tt := range []struct {
		name string
		opts []client.ListOption
	}{
		{"scale-down", []client.ListOption{client.UnsafeDisableDeepCopy}},
		{"rebalance-deep-copy", nil},
	} {
		b.Run(fmt.Sprintf("%s/%d-nodes/%d-pods", tt.name, benchNodes, benchPods), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var nodes corev1.NodeList
				var pods corev1.PodList
				var groups v1alpha1.NodeGroupList
				var vns v1alpha1.VPSieNodeList
				var pdbs policyv1.PodDisruptionBudgetList
				var pvcs corev1.PersistentVolumeClaimList
				var pvs corev1.PersistentVolumeList
				for _, l := range []client.ObjectList{&nodes, &pods, &groups, &vns, &pdbs, &pvcs, &pvs} {
					if err := r.List(context.Background(), l, tt.opts...); err != nil {
						b.Fatal(err)
					}
				}
				byNode := map[string][]corev1.Pod{}
				for _, p := range pods.Items {
					if p.Spec.NodeName != "" {
						byNode[p.Spec.NodeName] = append(byNode[p.Spec.NodeName], p)
					}
				}
				var out []legacyNode
				for _, n := range nodes.Items {
					out = append(out, legacyNode{Node: n, Pods: byNode[n.Name]})
				}
				if len(out) != benchNodes {
					b.Fatal(len(out))
				}
			}
		})
	}
}
