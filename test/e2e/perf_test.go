//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/internal/freeport"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// The scale-up benchmarks measure the whole product on the local cluster, so each runs
// once (-benchtime=1x) and reports its own numbers; `make bench-e2e` runs them and
// docs/performance/scale-up.md keeps the results. They share the cluster: filler nodes
// made by one stay for the next, which is what "at 1000 nodes" means.

const fillerTaint = "vpsie-e2e/filler"

// benchFlags: production batching (the defaults, which the harness's own flags override), and a VPSie rate far above
// the real API's 100 calls a minute, which would otherwise dominate every number (the simulator has no limit).
var benchFlags = []string{"--scale-up.batch-idle=500ms", "--scale-up.batch-max=1s", "--vpsie.rate-limit-per-minute=6000"}

// BenchmarkScaleUpDecisionLatency: with 100 and then 1000 nodes in the cluster (full,
// so pending pods need new ones), rounds of 5 pods are created; the latency of a round
// is from creating its pods to the simulator receiving the first create request.
func BenchmarkScaleUpDecisionLatency(b *testing.B) {
	measureAutoscalerAlone(b)
	for _, nodes := range []int{100, 1000} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			fillNodes(b, nodes)
			ns := namespace(b, fmt.Sprintf("perf-latency-%d", nodes))
			name := fmt.Sprintf("lat%d", nodes)
			g := group(ns, name, "std-2c-4g")
			g.Spec.MaxNodes = 200
			create(b, g)
			b.Cleanup(func() { settle(b, ns) })
			proc := env.autoscaler(b, "perf-"+name, benchFlags...)
			var lat []time.Duration
			for round := range 20 {
				start := time.Now()
				for i := range 5 {
					create(b, bare(ns, fmt.Sprintf("r%d-p%d", round, i), "1500m", map[string]string{"workload": name}))
				}
				first := waitFirstCreate(b, "-"+name+"-", start)
				lat = append(lat, first.Sub(start))
				eventually(b, 2*time.Minute, "round's pods running", func() error { return running(ns, 5*(round+1)) })
			}
			slices.Sort(lat)
			p50, p95 := lat[len(lat)/2], lat[len(lat)*95/100]
			b.ReportMetric(p50.Seconds(), "p50-s")
			b.ReportMetric(p95.Seconds(), "p95-s")
			b.Logf("pod created → VPS create request at %d nodes over %d rounds: p50 %s p95 %s max %s", nodes, len(lat),
				p50.Round(time.Millisecond), p95.Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
			q50, q95 := histogramP50P95(b, proc, "vpsie_autoscaler_scale_up_decision_latency_seconds")
			b.ReportMetric(q95, "metric-p95-le-s")
			b.Logf("the autoscaler's own decision latency (pod seen unschedulable → ScaleUp started): p50 ≤ %gs, p95 ≤ %gs",
				q50, q95)
		})
	}
}

// BenchmarkAutoscalerRSS: 1000 nodes and 10k pods bound to them; the resident memory of a
// freshly started autoscaler after a minute of planning passes.
func BenchmarkAutoscalerRSS(b *testing.B) {
	fillNodes(b, 1000)
	ns := namespace(b, "perf-rss")
	fillPods(b, ns, 10)
	pprof, err := freeport.Addr()
	if err != nil {
		b.Fatal(err)
	}
	// Production intervals (the harness plans every 5 s to keep tests short).
	p := env.autoscaler(b, "perf-rss", "--metrics.pprof-bind-address="+pprof, "--scale-up.resync-period=30s",
		"--scale-down.interval=10s")
	// CPU and collections are also read half-way: the second half is the steady state, after the initial sync.
	time.Sleep(30 * time.Second)
	cpuHalf, gcsHalf := gauge(b, p, "process_cpu_seconds_total"), gauge(b, p, "go_gc_duration_seconds_count")
	time.Sleep(30 * time.Second)
	rss, hwm := procMemory(b, p.Cmd.Process.Pid)
	heap := gauge(b, p, "go_memstats_heap_alloc_bytes")
	// inuse_space is the heap live at the last collection; alloc_space, everything allocated since start: with a
	// minute of production passes it is dominated by the per-pass garbage.
	for _, index := range []string{"inuse_space", "alloc_space"} {
		if out, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=25", "-sample_index="+index,
			"http://"+pprof+"/debug/pprof/heap").CombinedOutput(); err == nil {
			b.Logf("heap profile, %s by function:\n%s", index, out)
		} else {
			b.Logf("heap profile: %v\n%s", err, out)
		}
	}
	b.ReportMetric(float64(rss)/(1<<20), "rss-MiB")
	b.ReportMetric(float64(hwm)/(1<<20), "peak-rss-MiB")
	b.ReportMetric(heap/1e6, "heap-MB")
	b.Logf("autoscaler at 1000 nodes and 10k pods: RSS %d MiB, peak %d MiB, heap allocated %.1f MB", rss>>20, hwm>>20,
		heap/1e6)
	// Where the resident memory is, as the Go runtime sees it (RSS also counts the binary's touched pages).
	var runtimeMemory []string
	for _, g := range []string{"heap_inuse", "heap_idle", "heap_released", "stack_inuse", "next_gc", "sys"} {
		runtimeMemory = append(runtimeMemory, fmt.Sprintf("%s %.1f MB", g, gauge(b, p, "go_memstats_"+g+"_bytes")/1e6))
	}
	b.Logf("runtime: %s", strings.Join(runtimeMemory, ", "))
	// What the memory costs in CPU: a lower collector goal trades CPU for RSS, so both are reported.
	cpu := gauge(b, p, "process_cpu_seconds_total")
	gcs := gauge(b, p, "go_gc_duration_seconds_count")
	b.ReportMetric(cpu, "cpu-s")
	b.ReportMetric(gcs, "gc-cycles")
	b.ReportMetric(cpu-cpuHalf, "steady-cpu-s")
	b.Logf("CPU %.2f s and %.0f collections since start, %.2f s and %.0f in the last 30 s", cpu, gcs, cpu-cpuHalf,
		gcs-gcsHalf)
}

// gauge reads one unlabelled gauge from a /metrics endpoint.
func gauge(b *testing.B, p *testproc.Process, name string) float64 {
	b.Helper()
	body := scrape(b, p)
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatalf("%s: %v", name, err)
			}
			return f
		}
	}
	b.Fatalf("no %s in /metrics", name)
	return 0
}

// measureAutoscalerAlone makes the simulator boot instantly and hold any number of VMs.
func measureAutoscalerAlone(b *testing.B) {
	b.Helper()
	unlimited := map[string]vpsiesim.Capacity{}
	for dc := range env.sim.Capacity() {
		unlimited[dc] = vpsiesim.Capacity{}
	}
	if err := env.sim.SetCapacity(unlimited); err != nil {
		b.Fatal(err)
	}
	if err := env.sim.SetBootDelay(0); err != nil {
		b.Fatal(err)
	}
}

// settle deletes a benchmark's workloads, so the next benchmark's autoscaler has nothing of it to plan.
func settle(b *testing.B, ns string) {
	if err := env.kube.DeleteAllOf(context.Background(), &appsv1.Deployment{}, client.InNamespace(ns)); err != nil {
		b.Errorf("deleting the deployments of %s: %v", ns, err)
	}
	if err := env.kube.DeleteAllOf(context.Background(), &corev1.Pod{}, client.InNamespace(ns),
		client.GracePeriodSeconds(0)); err != nil {
		b.Errorf("deleting the pods of %s: %v", ns, err)
	}
}

// fillNodes makes the cluster have n filler nodes: kwok-played, Ready, tainted so no pod lands.
func fillNodes(b *testing.B, n int) {
	b.Helper()
	parallel(b, n, func(ctx context.Context, i int) error {
		node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("filler-%04d", i),
			Annotations: map[string]string{vpsiesim.AnnotationKwok: "fake"},
			Labels:      map[string]string{corev1.LabelHostname: fmt.Sprintf("filler-%04d", i), "vpsie-e2e/filler": "true"}},
			Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: fillerTaint, Value: "true", Effect: corev1.TaintEffectNoSchedule}}}}
		if err := env.kube.Create(ctx, node); err != nil {
			if strings.Contains(err.Error(), "already exists") {
				return nil
			}
			return err
		}
		res := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi"),
			corev1.ResourcePods: resource.MustParse("110")}
		// A merge patch, not an update: kwok writes the same Node's status meanwhile.
		patch := client.MergeFrom(node.DeepCopy())
		node.Status.Capacity, node.Status.Allocatable = res, res
		return env.kube.Status().Patch(ctx, node, patch)
	})
}

// fillPods binds perNode pods to every filler node (kwok runs them).
func fillPods(b *testing.B, ns string, perNode int) {
	b.Helper()
	var nodes corev1.NodeList
	if err := env.kube.List(context.Background(), &nodes, client.HasLabels{"vpsie-e2e/filler"}); err != nil {
		b.Fatal(err)
	}
	parallel(b, len(nodes.Items)*perNode, func(ctx context.Context, i int) error {
		node := nodes.Items[i/perNode].Name
		pod := bare(ns, fmt.Sprintf("%s-%d", node, i%perNode), "100m", nil)
		pod.Labels = map[string]string{"app": "filler-" + strconv.Itoa(i%50)}
		pod.Spec.NodeName = node
		pod.Spec.Tolerations = []corev1.Toleration{{Key: fillerTaint, Operator: corev1.TolerationOpExists}}
		return env.kube.Create(ctx, pod)
	})
}

// parallel runs fn for 0..n-1 on 16 workers and fails on the first error.
func parallel(b *testing.B, n int, fn func(ctx context.Context, i int) error) {
	b.Helper()
	work := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := fn(context.Background(), i); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// waitFirstCreate is the time of the simulator's first create call after since for a hostname containing infix.
func waitFirstCreate(b *testing.B, infix string, since time.Time) time.Time {
	b.Helper()
	var at time.Time
	eventually(b, 2*time.Minute, "a create request for "+infix, func() error {
		for _, c := range env.sim.Snapshot().Calls {
			if c.Op == vpsiesim.OpCreateVM && strings.Contains(c.Hostname, infix) && c.Time.After(since) {
				at = c.Time
				return nil
			}
		}
		return fmt.Errorf("none yet")
	})
	return at
}

// histogramP50P95 reads a histogram from a /metrics endpoint and returns the upper bounds of
// the buckets its median and 95th percentile fall in.
func histogramP50P95(b *testing.B, p *testproc.Process, name string) (p50, p95 float64) {
	b.Helper()
	body := scrape(b, p)
	type bucket struct{ le, count float64 }
	var buckets []bucket
	for _, line := range strings.Split(body, "\n") {
		rest, ok := strings.CutPrefix(line, name+`_bucket{le="`)
		if !ok {
			continue
		}
		le, count, _ := strings.Cut(rest, `"} `)
		l, _ := strconv.ParseFloat(le, 64)
		c, _ := strconv.ParseFloat(count, 64)
		buckets = append(buckets, bucket{l, c})
	}
	if len(buckets) == 0 || buckets[len(buckets)-1].count == 0 {
		b.Fatalf("no %s observations", name)
	}
	total := buckets[len(buckets)-1].count
	quantile := func(q float64) float64 {
		for _, bk := range buckets {
			if bk.count >= q*total {
				return bk.le
			}
		}
		return math.Inf(1)
	}
	return quantile(0.5), quantile(0.95)
}

// procMemory reads a process's resident set and its peak from /proc, and logs the resident
// set's parts: anonymous (the heap, stacks, runtime) and file-backed (the binary's pages).
func procMemory(b *testing.B, pid int) (rss, peak int64) {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	kb := map[string]int64{}
	for _, line := range strings.Split(string(data), "\n") {
		if fields := strings.Fields(line); len(fields) >= 2 {
			kb[fields[0]], _ = strconv.ParseInt(fields[1], 10, 64)
		}
	}
	b.Logf("resident: anonymous %d MiB, file-backed %d MiB", kb["RssAnon:"]>>10, kb["RssFile:"]>>10)
	logBinaryPages(b, pid)
	return kb["VmRSS:"] << 10, kb["VmHWM:"] << 10
}

// logBinaryPages logs, per mapping of the executable (text; read-only data with the function tables; data), how
// much of it is mapped and how much is resident: which part of the binary the file-backed pages are.
func logBinaryPages(b *testing.B, pid int) {
	b.Helper()
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		b.Fatal(err)
	}
	var parts []string
	var mapping string
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 6 && strings.Contains(fields[0], "-"):
			mapping = ""
			if fields[5] == exe {
				mapping = fields[1]
			}
		case mapping != "" && len(fields) == 3 && (fields[0] == "Size:" || fields[0] == "Rss:"):
			if fields[0] == "Size:" {
				parts = append(parts, fmt.Sprintf("%s %s KiB mapped", mapping, fields[1]))
			} else {
				parts[len(parts)-1] += fmt.Sprintf(", %s KiB resident", fields[1])
			}
		}
	}
	b.Logf("the binary's mappings: %s", strings.Join(parts, "; "))
}
