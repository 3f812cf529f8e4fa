//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// burst is a workload of pending pods created at once for one NodeGroup of one offering.
type burst struct {
	name     string // the group, namespace suffix and hostname infix
	offering string
	shapes   []podShape
}

func (w burst) pods() int {
	n := 0
	for _, s := range w.shapes {
		n += int(s.replicas)
	}
	return n
}

// thousand is issue 21's comparison with cluster-autoscaler: 1000 pending pods of three sizes, CPU-bound on the
// simulator catalogue's 4 vCPU / 16 GiB plan.
var thousand = burst{name: "thousand", offering: "mem-4c-16g", shapes: []podShape{
	{name: "s", cpu: "250m", memory: "512Mi", replicas: 334},
	{name: "m", cpu: "1", memory: "2Gi", replicas: 333},
	{name: "l", cpu: "1500m", memory: "3Gi", replicas: 333},
}}

// memoryHeavy is a memory-bound burst on the same plan: 1000 pods that need about 134 nodes for their memory and 84
// for their CPU (the memory-heavy row gives no sizes; this mix is ours).
var memoryHeavy = burst{name: "memheavy", offering: "mem-4c-16g", shapes: []podShape{
	{name: "a", cpu: "250m", memory: "2Gi", replicas: 500},
	{name: "b", cpu: "500m", memory: "3Gi", replicas: 300},
	{name: "c", cpu: "250m", memory: "1Gi", replicas: 200},
}}

// BenchmarkThousandPendingPods: issue 21's 1000 pending pods of three sizes on one 4 vCPU / 16 GiB offering, the
// simulator booting instantly with unlimited capacity and a VPSie rate that does not limit. It reports the time
// from the first pod created to all Running, to the first VPS create request, the VPSs created after the last pod
// was placed or whose node got no pod, nodes ÷ the lower bounds, and a timeline per node.
func BenchmarkThousandPendingPods(b *testing.B) { runBurst(b, thousand) }

// BenchmarkMemoryHeavyPendingPods is the same for a memory-bound burst of 1000 pods.
func BenchmarkMemoryHeavyPendingPods(b *testing.B) { runBurst(b, memoryHeavy) }

func runBurst(b *testing.B, w burst) {
	measureAutoscalerAlone(b)
	ns := namespace(b, "perf-"+w.name)
	g := group(ns, w.name, w.offering)
	g.Spec.MaxNodes = 500
	create(b, g)
	b.Cleanup(func() { settle(b, ns) })
	infix := "-" + w.name + "-"
	tl := watchTimeline(b, ns, infix)
	env.autoscaler(b, "perf-"+w.name, benchFlags...)
	// Leading and watching the group: otherwise the first numbers would measure the autoscaler's start.
	eventually(b, 2*time.Minute, "the group's status written", func() error { return observed(ns, g.Name) })
	for _, s := range w.shapes {
		s.selector = map[string]string{"workload": w.name}
		create(b, deployment(ns, s))
	}
	// The watch, not a list, says when all run: on a loaded machine a list of 1000 pods can time out.
	deadline := time.Now().Add(6 * time.Minute)
	for next := time.Now(); tl.runningPods() < w.pods(); time.Sleep(500 * time.Millisecond) {
		if time.Now().After(next) {
			b.Logf("progress: %s", tl.progress(len(vmsOf(env.sim.Snapshot(), infix))))
			next = time.Now().Add(30 * time.Second)
		}
		if time.Now().After(deadline) {
			// What got there says where the time went.
			reportBurst(b, w, ns, tl, vmsOf(env.sim.Snapshot(), infix))
			b.Fatalf("not all %d pods running after 6 minutes: %s", w.pods(), tl.progress(-1))
		}
	}
	reportBurst(b, w, ns, tl, vmsOf(env.sim.Snapshot(), infix))
}

// observed is nil once the NodeGroup controller has written the group's status for its spec.
func observed(ns, name string) error {
	var ng v1alpha1.NodeGroup
	if err := env.kube.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &ng); err != nil {
		return err
	}
	if ng.Status.ObservedGeneration != ng.Generation {
		return fmt.Errorf("status describes generation %d of %d", ng.Status.ObservedGeneration, ng.Generation)
	}
	return nil
}

// vm is one VPS the simulator created for the benchmark, live or deleted since.
type vm struct {
	hostname           string
	created, runningAt time.Time
	// deleted: why the VPS is gone since ("api": the product deleted it), "" while it lives.
	deleted string
}

func vmsOf(st vpsiesim.State, infix string) []vm {
	var out []vm
	for _, v := range st.VMs {
		if strings.Contains(v.VM.Hostname, infix) {
			out = append(out, vm{hostname: v.VM.Hostname, created: v.CreatedAt, runningAt: v.RunningAt})
		}
	}
	for _, v := range st.Deleted {
		if strings.Contains(v.VM.Hostname, infix) {
			out = append(out, vm{hostname: v.VM.Hostname, created: v.CreatedAt, deleted: v.Reason})
		}
	}
	slices.SortFunc(out, func(a, b vm) int { return a.created.Compare(b.created) })
	return out
}

// reportBurst computes and reports every number of the 1000-pod row for w.
func reportBurst(b *testing.B, w burst, ns string, tl *timeline, vms []vm) {
	b.Helper()
	if len(vms) == 0 {
		b.Fatal("no VPS created")
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	start, lastCreated := span(tl.podCreated)
	_, lastBound := span(tl.podBound)
	_, allRunning := span(tl.podRunning)
	lastScheduled := lastScheduledCondition(b, ns)
	late, empty, deleted := 0, 0, 0
	for _, v := range vms {
		if v.deleted != "" {
			deleted++
		}
		if v.created.After(lastBound) {
			late++
		}
		if _, ok := tl.firstBound[v.hostname]; !ok {
			empty++
		}
	}
	bound, packed, atOnce := resourceLowerBound(b, w), packedLowerBound(b, w), plannedAtOnce(b, w)
	b.ReportMetric(float64(len(vms))/float64(packed), "nodes/packed-bound")
	b.ReportMetric(float64(len(vms))/float64(atOnce), "nodes/planned-at-once")
	b.ReportMetric(allRunning.Sub(start).Seconds(), "s-to-running")
	b.ReportMetric(vms[0].created.Sub(start).Seconds(), "s-to-first-create")
	b.ReportMetric(float64(len(vms)), "nodes")
	b.ReportMetric(float64(len(vms))/float64(bound), "nodes/bound")
	b.ReportMetric(float64(late), "creates-after-placed")
	b.ReportMetric(float64(empty), "nodes-without-pods")
	b.Logf("%d pods of %d sizes on %s: first pod created at T0; last pod created T0+%s; first VPS create request "+
		"T0+%s, last T0+%s; last pod bound T0+%s (PodScheduled condition %s, whole seconds); all Running T0+%s",
		w.pods(), len(w.shapes), w.offering, since(start, lastCreated), since(start, vms[0].created),
		since(start, vms[len(vms)-1].created), since(start, lastBound), lastScheduled.UTC().Format(time.TimeOnly),
		since(start, allRunning))
	b.Logf("%d VPSs (resource lower bound %d: %.3f×; with the pods' sizes %d: %.3f×; the planner's plan of all the "+
		"pods at once %d: %.3f×) in %d batches; %d created after the last pod was bound; %d whose node got no pod of "+
		"the workload; %d deleted since", len(vms), bound, float64(len(vms))/float64(bound), packed,
		float64(len(vms))/float64(packed), atOnce, float64(len(vms))/float64(atOnce), len(tl.batches), late, empty, deleted)
	var marked []time.Duration
	for _, t := range tl.podUnschedulable {
		marked = append(marked, t.Sub(start))
	}
	b.Logf("pods marked unschedulable by kube-scheduler at T0+: %s", percentiles(marked))
	logNodeTimeline(b, tl, start, vms)
}

func since(t0, t time.Time) string { return t.Sub(t0).Round(10 * time.Millisecond).String() }

// lastScheduledCondition is the latest PodScheduled lastTransitionTime of ns's pods.
func lastScheduledCondition(b *testing.B, ns string) time.Time {
	b.Helper()
	var pods corev1.PodList
	var last time.Time
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns)); err != nil {
		b.Logf("listing the pods for their PodScheduled conditions: %v", err)
		return last
	}
	for _, p := range pods.Items {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionTrue && c.LastTransitionTime.After(last) {
				last = c.LastTransitionTime.Time
			}
		}
	}
	return last
}

// resourceLowerBound is max over CPU and memory of ceil(the workload's requests ÷ the offering's allocatable as the
// planner models it: the default configuration's kubelet reserves and eviction threshold).
func resourceLowerBound(b *testing.B, w burst) int {
	b.Helper()
	_, alloc := offeringAlloc(b, w.offering)
	var cpu, mem int64
	for _, s := range w.shapes {
		c, m := resource.MustParse(s.cpu), resource.MustParse(s.memory)
		cpu += int64(s.replicas) * c.MilliValue()
		mem += int64(s.replicas) * m.Value()
	}
	ceil := func(a, b int64) int { return int((a + b - 1) / b) }
	return max(ceil(cpu, alloc.CPU), ceil(mem, alloc.Memory))
}

// logNodeTimeline prints, over the nodes, each step's time after T0 and after the step before it.
func logNodeTimeline(b *testing.B, tl *timeline, start time.Time, vms []vm) {
	b.Helper()
	steps := []string{"VPSieNode created", "VPS create request", "VM running", "Node registered", "Node Ready",
		"first pod bound"}
	at := make([][]time.Duration, len(steps))    // after T0
	after := make([][]time.Duration, len(steps)) // after the step before
	for _, v := range vms {
		times := []time.Time{tl.planned[v.hostname], v.created, v.runningAt, tl.registered[v.hostname],
			tl.ready[v.hostname], tl.firstBound[v.hostname]}
		for i, t := range times {
			if t.IsZero() {
				continue
			}
			at[i] = append(at[i], t.Sub(start))
			if i > 0 && !times[i-1].IsZero() {
				after[i] = append(after[i], t.Sub(times[i-1]))
			}
		}
	}
	lines := []string{"timeline per node (T0 = first pod created):"}
	for i, s := range steps {
		line := fmt.Sprintf("  %-18s at T0+: %s", s, percentiles(at[i]))
		if i > 0 {
			line += fmt.Sprintf("; after %s: %s", steps[i-1], percentiles(after[i]))
		}
		lines = append(lines, line)
	}
	b.Log(strings.Join(lines, "\n"))
}
