package clusterview

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(v1alpha1.AddToScheme(s))
	return s
}

// recorder wraps a reader and records each List: its type and whether deep copy was off.
// beforePods, when set, runs just before the Pod list (something happening in between).
type recorder struct {
	client.Reader
	lists      []string
	unsafe     []bool
	beforePods func()
	fail       string // List of this type fails
}

func (r *recorder) List(ctx context.Context, l client.ObjectList, opts ...client.ListOption) error {
	var lo client.ListOptions
	lo.ApplyOptions(opts)
	kind := fmt.Sprintf("%T", l)
	r.lists = append(r.lists, kind)
	r.unsafe = append(r.unsafe, lo.UnsafeDisableDeepCopy != nil && *lo.UnsafeDisableDeepCopy)
	if kind == r.fail {
		return errors.New("boom")
	}
	if _, ok := l.(*corev1.PodList); ok && r.beforePods != nil {
		r.beforePods()
	}
	return r.Reader.List(ctx, l, opts...)
}

func fakeReader(t *testing.T, objs ...client.Object) (*recorder, client.Client) {
	t.Helper()
	c := fake.NewClientBuilder().WithScheme(scheme()).WithObjects(objs...).Build()
	return &recorder{Reader: c}, c
}

func read(t *testing.T, r client.Reader, o Options) *View {
	t.Helper()
	v, err := Read(context.Background(), r, o)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return v
}

func node(name string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

func pod(ns, name, nodeName string, edit ...func(*corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: corev1.PodSpec{NodeName: nodeName}}
	for _, e := range edit {
		e(p)
	}
	return p
}

func scheduled(status corev1.ConditionStatus, reason string) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: corev1.PodScheduled, Status: status, Reason: reason})
	}
}

var unschedulableCond = scheduled(corev1.ConditionFalse, corev1.PodReasonUnschedulable)

func phase(ph corev1.PodPhase) func(*corev1.Pod) { return func(p *corev1.Pod) { p.Status.Phase = ph } }

func deleting(p *corev1.Pod) {
	now := metav1.Now()
	p.DeletionTimestamp = &now
	p.Finalizers = []string{"test/keep"} // the fake client refuses a deletionTimestamp without finalizers
}

func vpsieNode(ns, name, group string) *v1alpha1.VPSieNode {
	return &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: v1alpha1.VPSieNodeSpec{NodeGroup: group}}
}

func names[T object](s []T) []string {
	out := []string{}
	for _, o := range s {
		if o.GetNamespace() != "" {
			out = append(out, o.GetNamespace()+"/"+o.GetName())
		} else {
			out = append(out, o.GetName())
		}
	}
	return out
}

func TestPendingIsWhatTheSchedulerCouldNotPlace(t *testing.T) {
	tests := []struct {
		name    string
		pod     *corev1.Pod
		pending bool
	}{
		{"unschedulable pod is pending", pod("a", "p", "", unschedulableCond), true},
		{"unschedulable pod in phase Pending is pending", pod("a", "p", "", unschedulableCond, phase(corev1.PodPending)), true},
		{"pod the scheduler has not tried is not", pod("a", "p", ""), false},
		{"scheduling-gated pod is not", pod("a", "p", "", scheduled(corev1.ConditionFalse, corev1.PodReasonSchedulingGated)), false},
		{"scheduled pod not bound yet is not", pod("a", "p", "", scheduled(corev1.ConditionTrue, "")), false},
		{"succeeded pod is not", pod("a", "p", "", unschedulableCond, phase(corev1.PodSucceeded)), false},
		{"failed pod is not", pod("a", "p", "", unschedulableCond, phase(corev1.PodFailed)), false},
		{"pod being deleted is not", pod("a", "p", "", unschedulableCond, deleting), false},
		{"bound pod with a stale Unschedulable condition is not", pod("a", "p", "n1", unschedulableCond), false},
		{"first PodScheduled condition decides", pod("a", "p", "", unschedulableCond, scheduled(corev1.ConditionTrue, "")), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := fakeReader(t, node("n1"), tt.pod)
			v := read(t, r, Options{})
			want := []string{}
			if tt.pending {
				want = []string{"a/p"}
			}
			if got := names(v.Pending); !slices.Equal(got, want) {
				t.Errorf("Pending = %v, want %v", got, want)
			}
		})
	}
}

func TestPendingIsSortedByNamespaceAndName(t *testing.T) {
	r, _ := fakeReader(t, pod("b", "x", "", unschedulableCond), pod("a", "z", "", unschedulableCond), pod("a", "y", "", unschedulableCond))
	v := read(t, r, Options{})
	if got, want := names(v.Pending), []string{"a/y", "a/z", "b/x"}; !slices.Equal(got, want) {
		t.Errorf("Pending = %v, want %v", got, want)
	}
}

func TestPodsAreIndexedUnderTheirNode(t *testing.T) {
	objs := []client.Object{
		node("n2"), node("n1"), node("n3"),
		pod("b", "p1", "n1"), pod("a", "p2", "n1"), pod("a", "p3", "n2"),
		pod("a", "done", "n2", phase(corev1.PodSucceeded)),
		pod("a", "unbound", "", unschedulableCond),
		pod("a", "gone-node", "n9"),
	}
	r, _ := fakeReader(t, objs...)
	v := read(t, r, Options{})
	tests := []struct {
		node string
		want []string
	}{
		{"n1", []string{"a/p2", "b/p1"}},
		{"n2", []string{"a/done", "a/p3"}}, // terminal pods stay: the planners decide
		{"n3", []string{}},
		{"n9", []string{"a/gone-node"}}, // bound to a Node not in the View
		{"", []string{}},                // unbound pods are never "on" a node
	}
	for _, tt := range tests {
		t.Run("node "+tt.node, func(t *testing.T) {
			if got := names(v.PodsOn(tt.node)); !slices.Equal(got, tt.want) {
				t.Errorf("PodsOn(%q) = %v, want %v", tt.node, got, tt.want)
			}
		})
	}
	if got, want := names(v.Nodes), []string{"n1", "n2", "n3"}; !slices.Equal(got, want) {
		t.Errorf("Nodes = %v, want sorted %v", got, want)
	}
}

func TestPodsOnIsTheCachesObjectNotACopy(t *testing.T) {
	// Against a reader that hands out the same list every time, the View points into it.
	pods := corev1.PodList{Items: []corev1.Pod{*pod("a", "p", "n1")}}
	v := read(t, &memReader{lists: map[string]client.ObjectList{"*v1.PodList": &pods}}, Options{})
	if got := v.PodsOn("n1"); len(got) != 1 || got[0] != &pods.Items[0] {
		t.Errorf("PodsOn(n1) does not point into the listed items")
	}
}

func TestAppendingToALookupLeavesTheNextNodeAlone(t *testing.T) {
	r, _ := fakeReader(t, node("n1"), node("n2"), pod("a", "p1", "n1"), pod("a", "p2", "n2"))
	v := read(t, r, Options{})
	_ = append(v.PodsOn("n1"), pod("a", "intruder", "n1"))
	if got := names(v.PodsOn("n2")); !slices.Equal(got, []string{"a/p2"}) {
		t.Errorf("PodsOn(n2) = %v after appending to PodsOn(n1)", got)
	}
}

// TestNodesAreListedBeforePods pins the rule of the package doc: a Node created between
// the two lists, with a pod already bound to it, is missing from Nodes (undershoot) and the
// pod is neither pending nor on any Node of the View (never counted twice).
func TestNodesAreListedBeforePods(t *testing.T) {
	r, c := fakeReader(t, node("old"), pod("a", "unplaced", "", unschedulableCond))
	r.beforePods = func() {
		ctx := context.Background()
		if err := c.Create(ctx, node("new")); err != nil {
			t.Fatal(err)
		}
		// The scheduler placed the pending pod on the new node in the meantime.
		var p corev1.Pod
		if err := c.Get(ctx, types.NamespacedName{Namespace: "a", Name: "unplaced"}, &p); err != nil {
			t.Fatal(err)
		}
		p.Spec.NodeName = "new"
		p.Status.Conditions = nil
		if err := c.Update(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	v := read(t, r, Options{})
	if i, j := slices.Index(r.lists, "*v1.NodeList"), slices.Index(r.lists, "*v1.PodList"); i < 0 || j < 0 || i > j {
		t.Fatalf("lists in order %v: Nodes must come before Pods", r.lists)
	}
	if got := names(v.Nodes); !slices.Equal(got, []string{"old"}) {
		t.Errorf("Nodes = %v, want only the Node that existed at the Node list", got)
	}
	if len(v.Pending) != 0 {
		t.Errorf("Pending = %v: the pod is bound now", names(v.Pending))
	}
	counted := 0
	for _, n := range v.Nodes {
		counted += len(v.PodsOn(n.Name))
	}
	if counted != 0 {
		t.Errorf("%d pods on the View's Nodes, want 0 (the pod's Node is not in the View)", counted)
	}
}

func TestVPSieNodesAreGroupedByNamespaceAndNodeGroup(t *testing.T) {
	gone := vpsieNode("a", "vn-deleting", "g1")
	gone.Finalizers = []string{"test/keep"}
	now := metav1.Now()
	gone.DeletionTimestamp = &now
	failed := vpsieNode("a", "vn-failed", "g1")
	failed.Status.Phase = v1alpha1.PhaseFailed
	r, _ := fakeReader(t,
		&v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "g1"}},
		vpsieNode("a", "vn2", "g1"), vpsieNode("a", "vn1", "g1"), gone, failed,
		vpsieNode("b", "vn3", "g1"), // same group name, other namespace
		vpsieNode("a", "vn4", "g2"),
		vpsieNode("a", "orphan", "no-such-group"),
	)
	v := read(t, r, Options{})
	tests := []struct {
		name  string
		group types.NamespacedName
		want  []string
	}{
		{"every VPSieNode naming the group, whatever its phase", types.NamespacedName{Namespace: "a", Name: "g1"},
			[]string{"a/vn-deleting", "a/vn-failed", "a/vn1", "a/vn2"}},
		{"same group name in another namespace is another group", types.NamespacedName{Namespace: "b", Name: "g1"}, []string{"b/vn3"}},
		{"group of one", types.NamespacedName{Namespace: "a", Name: "g2"}, []string{"a/vn4"}},
		{"group without a NodeGroup object still groups", types.NamespacedName{Namespace: "a", Name: "no-such-group"}, []string{"a/orphan"}},
		{"group nobody names is empty", types.NamespacedName{Namespace: "a", Name: "g3"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(v.VPSieNodesOf(tt.group)); !slices.Equal(got, tt.want) {
				t.Errorf("VPSieNodesOf(%v) = %v, want %v", tt.group, got, tt.want)
			}
		})
	}
	if got, want := names(v.VPSieNodes), []string{"a/orphan", "a/vn-deleting", "a/vn-failed", "a/vn1", "a/vn2", "a/vn4", "b/vn3"}; !slices.Equal(got, want) {
		t.Errorf("VPSieNodes = %v, want %v", got, want)
	}
}

func TestLookupsFindKnownKeysAndReturnNilForUnknownOnes(t *testing.T) {
	r, _ := fakeReader(t, node("n1"),
		&v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "g"}},
		&v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "vn"}, Spec: v1alpha1.VPSieNodeSpec{NodeGroup: "g"}},
		&corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "c"}},
		&corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv"}},
	)
	v := read(t, r, Options{Volumes: true})
	empty := read(t, r, Options{}) // Volumes not read: the volume lookups are nil even for known keys
	a := func(name string) types.NamespacedName { return types.NamespacedName{Namespace: "a", Name: name} }
	tests := []struct {
		name  string
		found bool
		got   bool
	}{
		{"Node known", true, v.Node("n1") != nil},
		{"Node unknown", false, v.Node("n2") != nil},
		{"Node empty name", false, v.Node("") != nil},
		{"PodsOn unknown node", false, v.PodsOn("n2") != nil},
		{"PodsOn known node without pods", false, v.PodsOn("n1") != nil},
		{"NodeGroup known", true, v.NodeGroup(a("g")) != nil},
		{"NodeGroup unknown name", false, v.NodeGroup(a("h")) != nil},
		{"NodeGroup other namespace", false, v.NodeGroup(types.NamespacedName{Namespace: "b", Name: "g"}) != nil},
		{"VPSieNodesOf unknown group", false, v.VPSieNodesOf(a("h")) != nil},
		{"VPSieNode known", true, v.VPSieNode(a("vn")) != nil},
		{"VPSieNode unknown", false, v.VPSieNode(a("g")) != nil},
		{"VPSieNode other namespace", false, v.VPSieNode(types.NamespacedName{Namespace: "b", Name: "vn"}) != nil},
		{"WithVPSieNodes finds an extra", true, v.WithVPSieNodes(&v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "x"}}).VPSieNode(a("x")) != nil},
		{"PVC known", true, v.PVC(a("c")) != nil},
		{"PVC unknown", false, v.PVC(a("d")) != nil},
		{"PVC other namespace", false, v.PVC(types.NamespacedName{Namespace: "b", Name: "c"}) != nil},
		{"PV known", true, v.PV("pv") != nil},
		{"PV unknown", false, v.PV("pv2") != nil},
		{"PVC without Options.Volumes", false, empty.PVC(a("c")) != nil},
		{"PV without Options.Volumes", false, empty.PV("pv") != nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.found {
				t.Errorf("found = %v, want %v", tt.got, tt.found)
			}
		})
	}
	if v.PodsOn("n2") != nil || v.VPSieNodesOf(a("h")) != nil {
		t.Errorf("empty lookups must be nil, not empty slices")
	}
}

func TestOptionsChooseWhatIsListed(t *testing.T) {
	core := []string{"*v1.NodeList", "*v1.PodList", "*v1alpha1.NodeGroupList", "*v1alpha1.VPSieNodeList"}
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"core only", Options{}, core},
		{"scale-up", Options{DaemonSets: true}, append(slices.Clone(core), "*v1.DaemonSetList")},
		{"scale-down and rebalance", Options{PDBs: true, Volumes: true},
			append(slices.Clone(core), "*v1.PodDisruptionBudgetList", "*v1.PersistentVolumeClaimList", "*v1.PersistentVolumeList")},
	}
	objs := []client.Object{
		&policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "pdb"}},
		&appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "ds"}},
		&corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "c"}},
		&corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := fakeReader(t, objs...)
			v := read(t, r, tt.opts)
			if !slices.Equal(r.lists, tt.want) {
				t.Errorf("listed %v, want %v", r.lists, tt.want)
			}
			if slices.Contains(r.unsafe, false) {
				t.Errorf("a List without client.UnsafeDisableDeepCopy: %v %v", r.lists, r.unsafe)
			}
			if got := len(v.PDBs) == 1; got != tt.opts.PDBs {
				t.Errorf("PDBs = %v with PDBs option %v", names(v.PDBs), tt.opts.PDBs)
			}
			if got := len(v.PVCs) == 1 && len(v.PVs) == 1; got != tt.opts.Volumes {
				t.Errorf("PVCs, PVs = %v, %v with Volumes option %v", names(v.PVCs), names(v.PVs), tt.opts.Volumes)
			}
			if got := len(v.DaemonSets) == 1; got != tt.opts.DaemonSets {
				t.Errorf("DaemonSets = %v with DaemonSets option %v", names(v.DaemonSets), tt.opts.DaemonSets)
			}
		})
	}
}

func TestAFailedListFailsTheRead(t *testing.T) {
	r, _ := fakeReader(t, node("n1"))
	r.fail = "*v1.PodList"
	if v, err := Read(context.Background(), r, Options{}); err == nil || v != nil {
		t.Fatalf("Read = %v, %v; want nil and the List's error", v, err)
	}
}

func TestNowComesFromTheInjectedClockAfterTheLists(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	clk := clocktesting.NewFakePassiveClock(start)
	r, _ := fakeReader(t)
	r.beforePods = func() { clk.SetTime(start.Add(time.Minute)) }
	if v := read(t, r, Options{Clock: clk}); !v.Now.Equal(start.Add(time.Minute)) {
		t.Errorf("Now = %v, want the clock's reading after the lists, %v", v.Now, start.Add(time.Minute))
	}
}

func TestWithVPSieNodesAddsWhatTheCacheHasNotSeen(t *testing.T) {
	r, _ := fakeReader(t, vpsieNode("a", "vn1", "g"))
	v := read(t, r, Options{})
	cached := v.VPSieNodes[0]
	launched := vpsieNode("a", "vn0", "g")
	again := vpsieNode("a", "vn1", "g") // the cache caught up with this one
	other := vpsieNode("a", "vn2", "h")
	w := v.WithVPSieNodes(launched, again, other, launched)

	if got, want := names(w.VPSieNodes), []string{"a/vn0", "a/vn1", "a/vn2"}; !slices.Equal(got, want) {
		t.Errorf("VPSieNodes = %v, want %v", got, want)
	}
	if w.VPSieNodes[1] != cached {
		t.Errorf("a launched VPSieNode replaced the cache's copy")
	}
	if got, want := names(w.VPSieNodesOf(types.NamespacedName{Namespace: "a", Name: "g"})), []string{"a/vn0", "a/vn1"}; !slices.Equal(got, want) {
		t.Errorf("VPSieNodesOf(a/g) = %v, want %v", got, want)
	}
	if got, want := names(w.VPSieNodesOf(types.NamespacedName{Namespace: "a", Name: "h"})), []string{"a/vn2"}; !slices.Equal(got, want) {
		t.Errorf("VPSieNodesOf(a/h) = %v, want %v", got, want)
	}
	if got := names(v.VPSieNodes); !slices.Equal(got, []string{"a/vn1"}) {
		t.Errorf("the receiver changed: VPSieNodes = %v", got)
	}
	if got := names(v.VPSieNodesOf(types.NamespacedName{Namespace: "a", Name: "g"})); !slices.Equal(got, []string{"a/vn1"}) {
		t.Errorf("the receiver changed: VPSieNodesOf(a/g) = %v", got)
	}
	if v.WithVPSieNodes() == v {
		t.Errorf("WithVPSieNodes must return a new View")
	}
}

func TestReadsOfTheSameClusterGiveTheSameOrder(t *testing.T) {
	// memReader hands out lists in the order given; two orders, one View.
	build := func(rev bool) *View {
		nodes := corev1.NodeList{Items: []corev1.Node{*node("n1"), *node("n2"), *node("n3")}}
		pods := corev1.PodList{Items: []corev1.Pod{*pod("a", "p1", "n1"), *pod("b", "p2", "n1"), *pod("a", "p3", "n2"),
			*pod("a", "u1", "", unschedulableCond), *pod("a", "u2", "", unschedulableCond)}}
		if rev {
			slices.Reverse(nodes.Items)
			slices.Reverse(pods.Items)
		}
		return read(t, &memReader{lists: map[string]client.ObjectList{"*v1.NodeList": &nodes, "*v1.PodList": &pods}}, Options{})
	}
	a, b := build(false), build(true)
	if !slices.Equal(names(a.Nodes), names(b.Nodes)) || !slices.Equal(names(a.Pending), names(b.Pending)) ||
		!slices.Equal(names(a.PodsOn("n1")), names(b.PodsOn("n1"))) {
		t.Errorf("order depends on the list order: %v %v %v vs %v %v %v", names(a.Nodes), names(a.Pending), names(a.PodsOn("n1")),
			names(b.Nodes), names(b.Pending), names(b.PodsOn("n1")))
	}
}
