//go:build e2e

package e2e

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// timeline records when the benchmark's watches first saw each step of a scale-up: workload pods created, bound
// and Running; the group's VPSieNodes created; its Nodes registered and Ready. Watches, not the objects' own
// timestamps, because those have whole seconds; a watch sees a change a few milliseconds after it happened.
type timeline struct {
	infix string
	mu    sync.Mutex
	// pod name → when first seen created, marked unschedulable by kube-scheduler, bound (spec.nodeName set) and
	// Running.
	podCreated, podUnschedulable, podBound, podRunning map[string]time.Time
	// node name (the VPS hostname) → the first workload pod bound there.
	firstBound map[string]time.Time
	// hostname → VPSieNode created, Node registered, Node Ready.
	planned, registered, ready map[string]time.Time
	// batch label → its VPSieNodes.
	batches map[string]int
}

// watchTimeline starts the watches on ns's pods, the cluster's Nodes and ns's VPSieNodes whose names contain
// infix; they stop when the benchmark ends.
func watchTimeline(b *testing.B, ns, infix string) *timeline {
	b.Helper()
	tl := &timeline{infix: infix, podCreated: map[string]time.Time{}, podUnschedulable: map[string]time.Time{}, podBound: map[string]time.Time{},
		podRunning: map[string]time.Time{}, firstBound: map[string]time.Time{}, planned: map[string]time.Time{},
		registered: map[string]time.Time{}, ready: map[string]time.Time{}, batches: map[string]int{}}
	stop := make(chan struct{})
	b.Cleanup(func() { close(stop) })
	pods := informers.NewSharedInformerFactoryWithOptions(env.cs, 0, informers.WithNamespace(ns))
	nodes := informers.NewSharedInformerFactory(env.cs, 0)
	cfg, err := clientcmd.BuildConfigFromFlags("", env.kubeconfig)
	if err != nil {
		b.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		b.Fatal(err)
	}
	crs := dynamicinformer.NewFilteredDynamicSharedInformerFactory(dyn, 0, ns, nil)
	gvr := schema.GroupVersionResource{Group: v1alpha1.GroupVersion.Group, Version: v1alpha1.GroupVersion.Version,
		Resource: "vpsienodes"}
	handlers := []struct {
		inf cache.SharedIndexInformer
		fn  func(obj any)
	}{
		{pods.Core().V1().Pods().Informer(), tl.onPod},
		{nodes.Core().V1().Nodes().Informer(), tl.onNode},
		{crs.ForResource(gvr).Informer(), tl.onVPSieNode},
	}
	for _, h := range handlers {
		if _, err := h.inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: h.fn,
			UpdateFunc: func(_, obj any) { h.fn(obj) }}); err != nil {
			b.Fatal(err)
		}
	}
	pods.Start(stop)
	nodes.Start(stop)
	crs.Start(stop)
	if !cache.WaitForCacheSync(stop, handlers[0].inf.HasSynced, handlers[1].inf.HasSynced, handlers[2].inf.HasSynced) {
		b.Fatal("the timeline's watches did not sync")
	}
	return tl
}

// first stores now under key unless a time is there already.
func first(m map[string]time.Time, key string, now time.Time) {
	if _, ok := m[key]; !ok {
		m[key] = now
	}
}

func (tl *timeline) onPod(obj any) {
	p, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	now := time.Now()
	tl.mu.Lock()
	defer tl.mu.Unlock()
	first(tl.podCreated, p.Name, now)
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonUnschedulable {
			first(tl.podUnschedulable, p.Name, now)
		}
	}
	if p.Spec.NodeName != "" {
		first(tl.podBound, p.Name, now)
		first(tl.firstBound, p.Spec.NodeName, now)
	}
	if p.Status.Phase == corev1.PodRunning {
		first(tl.podRunning, p.Name, now)
	}
}

func (tl *timeline) onNode(obj any) {
	n, ok := obj.(*corev1.Node)
	if !ok || !strings.Contains(n.Name, tl.infix) {
		return
	}
	now := time.Now()
	tl.mu.Lock()
	defer tl.mu.Unlock()
	first(tl.registered, n.Name, now)
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
			first(tl.ready, n.Name, now)
		}
	}
}

func (tl *timeline) onVPSieNode(obj any) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return
	}
	host, _, _ := unstructured.NestedString(u.Object, "spec", "hostname")
	if !strings.Contains(host, tl.infix) {
		return
	}
	now := time.Now()
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if _, seen := tl.planned[host]; !seen {
		tl.planned[host] = now
		tl.batches[u.GetLabels()[v1alpha1.LabelBatch]]++
	}
}

// runningPods counts the workload pods the watch saw Running.
func (tl *timeline) runningPods() int {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return len(tl.podRunning)
}

// progress says how far the scale-up got: pods created, bound and Running; VPSieNodes, VPSs (vms < 0: not
// known), Nodes registered and Ready.
func (tl *timeline) progress(vms int) string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return fmt.Sprintf("pods %d created, %d bound, %d running; %d VPSieNodes, %d VPSs, %d Nodes registered, %d Ready",
		len(tl.podCreated), len(tl.podBound), len(tl.podRunning), len(tl.planned), vms, len(tl.registered),
		len(tl.ready))
}

// span is the earliest and the latest of a map's times.
func span(m map[string]time.Time) (earliest, latest time.Time) {
	for _, t := range m {
		if earliest.IsZero() || t.Before(earliest) {
			earliest = t
		}
		if t.After(latest) {
			latest = t
		}
	}
	return earliest, latest
}

// percentiles formats n, p50, p90 and max of ds.
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "n=0"
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	r := func(d time.Duration) string { return d.Round(10 * time.Millisecond).String() }
	return fmt.Sprintf("n=%d min %s p50 %s p90 %s max %s", len(ds), r(ds[0]), r(at(0.5)), r(at(0.9)), r(ds[len(ds)-1]))
}
