package integration

import (
	"context"
	"encoding/hex"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	enumspb "go.temporal.io/api/enums/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/grpc"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/internal/tracing"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// TestOneScaleUpIsOneConnectedTrace runs the operator with tracing enabled, exporting over OTLP/gRPC to a receiver
// in this process, against a real apiserver, Temporal server and simulator. One pending pod makes one scale-up, and
// its trace is connected: the controller's decision span is the root, the workflow run and every activity it ran
// descend from it, and every span names the NodeGroup and the workflow ID.
func TestOneScaleUpIsOneConnectedTrace(t *testing.T) {
	env := needKube(t)
	ns := newNamespace(t, env.Client)
	ctx := context.Background()
	receiver := startOTLPReceiver(t)
	_, api := startJoiningSimulator(t, ns, vpsiesim.DefaultReadyDelay)
	tr, err := tracing.New(ctx, tracing.Options{Cluster: "it", Version: "test", Config: config.TracingConfig{
		Enabled: true, Endpoint: receiver.addr, Insecure: true, SamplePercent: 100}})
	if err != nil {
		t.Fatal(err)
	}
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	op := startOperatorTraced(t, operatorConfig(t, ns), api, ts.GetFrontendHostPort(), ts.GetDefaultNamespace(), tr)
	// Named after this test: a pod selects its group by name only (the nodegroup label), and
	// earlier tests leave groups named "grow" in their namespaces, which this operator serves too.
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "traced"}, Spec: v1alpha1.NodeGroupSpec{
		MinNodes: 0, MaxNodes: 2, DatacenterID: "ams1", OfferingIDs: []string{"std-2c-4g"},
		OSImageID: "ubuntu-24.04-x64", KubernetesVersion: "v1.36.3"}}
	if err := env.Client.Create(ctx, ng); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cleanUpGroup(t, ns) })
	unschedulablePodOf(t, ns, "traced", "pending", "1")
	eventuallyWithin(t, 2*time.Minute, "one ready node for the pending pod", func() error { return readyMembers(ns, 1) })

	var vns v1alpha1.VPSieNodeList
	if err := env.Client.List(ctx, &vns, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	id := "scaleup/" + ns + "/traced/" + vns.Items[0].Labels["autoscaler.vpsie.com/batch"]
	if err := op.temporal.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
		t.Fatalf("scale-up %s: %v", id, err)
	}
	activities := scheduledActivities(ctx, t, op.temporal, id)
	if err := op.stop(); err != nil { // the worker's last spans end here
		t.Fatal(err)
	}
	if err := tr.Shutdown(ctx); err != nil { // and are flushed to the receiver here
		t.Fatal(err)
	}
	if got, want := receiver.serviceNames(), []string{tracing.ServiceName + " it"}; !slices.Equal(got, want) {
		t.Errorf("resources (service.name k8s.cluster.name) = %q, want %q", got, want)
	}
	checkConnectedTrace(t, receiver.spans(), wantTrace{workflow: "ScaleUp", reason: plan.ReasonPendingPods.String(),
		nodeGroup: ns + "/traced", id: id, activities: activities})
}

// TestAutoscalerBinaryTracesATermination runs the real binary, tracing enabled by flags only, and deletes a
// VPSieNode: its termination is one connected trace, flushed when the binary stops on SIGTERM. This is the wiring of
// operator.Run (config, exporter, interceptor, starter, flush at exit) that the scale-up test builds by hand.
func TestAutoscalerBinaryTracesATermination(t *testing.T) {
	receiver := startOTLPReceiver(t)
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay = 0, 300*time.Millisecond
	h := newProcessHarness(t, simCfg)
	ctx := context.Background()
	vpsID := h.createVPS(t, "traced-a")
	p := h.start(t, "traced", "--tracing.enabled", "--tracing.endpoint="+receiver.addr, "--tracing.insecure")
	h.deleteMember(t, "traced-a", vpsID)
	eventuallyWithin(t, time.Minute, "vpsienode released by its termination", func() error {
		if err := kube.Client.Get(ctx, keyOf(h.ns, "traced-a"), &v1alpha1.VPSieNode{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there: %v", err)
		}
		return nil
	})
	tc, err := temporalclient.Dial(ctx, temporalclient.Options{Address: h.temporalAddr, Namespace: h.temporalNS})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	id := contract.TerminateWorkflowID(h.ns, "traced-a")
	// The release is the last activity; the workflow (and its RunWorkflow span) ends with the
	// task after it, which on a loaded machine can come after the VPSieNode is gone.
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := tc.GetWorkflow(wctx, id, "").Get(wctx, nil); err != nil {
		t.Fatalf("termination %s: %v", id, err)
	}
	p.Terminate(t, 45*time.Second) // flushes the spans it holds
	if got, want := receiver.serviceNames(), []string{tracing.ServiceName + " local"}; !slices.Equal(got, want) {
		t.Errorf("resources (service.name k8s.cluster.name) = %q, want %q", got, want)
	}
	checkConnectedTrace(t, receiver.spans(), wantTrace{workflow: contract.TerminateVPSieNodeWorkflow,
		nodeGroup: h.ns + "/g", id: id, activities: scheduledActivities(ctx, t, tc, id)})
}

// TestOneDrainIsOneConnectedTrace runs the traced operator with a NodeGroup whose one node runs nothing: the
// scale-down controller decides to drain it (reason Empty), and the DrainAndDelete run is one trace rooted at that
// decision, every activity of its history in it. The termination the drain's VPSieNode delete sets off is a trace of
// its own (the VPSieNode controller's decision), as a separate operation should be.
func TestOneDrainIsOneConnectedTrace(t *testing.T) {
	env := needKube(t)
	ns := newNamespace(t, env.Client)
	ctx := context.Background()
	receiver := startOTLPReceiver(t)
	_, api := startSimulator(t)
	tr, err := tracing.New(ctx, tracing.Options{Cluster: "it", Version: "test", Config: config.TracingConfig{
		Enabled: true, Endpoint: receiver.addr, Insecure: true, SamplePercent: 100}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := operatorConfig(t, ns)
	cfg.ScaleDown.Interval, cfg.ScaleDown.EmptyNodeDelay, cfg.ScaleUp.UnusedNodeGrace = time.Second, 2*time.Second, time.Second
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	op := startOperatorTraced(t, cfg, api, ts.GetFrontendHostPort(), ts.GetDefaultNamespace(), tr)
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "g"}, Spec: v1alpha1.NodeGroupSpec{
		MinNodes: 0, MaxNodes: 2, DatacenterID: "ams1", OfferingIDs: []string{"std-2c-4g"},
		OSImageID: "ubuntu-24.04-x64", KubernetesVersion: "v1.36.3"}}
	if err := env.Client.Create(ctx, ng); err != nil {
		t.Fatal(err)
	}
	const node = "drain-traced"
	drainableNode(t, ns, api, node)
	id := contract.DrainWorkflowID(node)
	eventuallyWithin(t, time.Minute, "the empty node's drain started", func() error {
		_, err := op.temporal.DescribeWorkflowExecution(ctx, id, "")
		return err
	})
	var res contract.DrainAndDeleteResult
	if err := op.temporal.GetWorkflow(ctx, id, "").Get(ctx, &res); err != nil || res.Outcome != contract.DrainDeleted {
		t.Fatalf("drain %s: %+v, %v; want %s", id, res, err, contract.DrainDeleted)
	}
	activities := scheduledActivities(ctx, t, op.temporal, id)
	if err := op.stop(); err != nil {
		t.Fatal(err)
	}
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	checkConnectedTrace(t, receiver.spans(), wantTrace{workflow: contract.DrainAndDeleteWorkflow,
		reason: scaledown.ReasonEmpty.String(), nodeGroup: ns + "/g", id: id, activities: activities})
}

// wantTrace is the trace one operation must make.
type wantTrace struct {
	workflow, reason, nodeGroup, id string
	activities                      []string // every activity type of the run's history
}

// checkConnectedTrace finds the trace of the run of w.id and checks its shape and attributes.
func checkConnectedTrace(t *testing.T, spans []*tracepb.Span, w wantTrace) {
	t.Helper()
	nodeGroup, id := w.nodeGroup, w.id
	run := findSpan(spans, "RunWorkflow:"+w.workflow, id)
	if run == nil {
		t.Fatalf("no RunWorkflow:%s span of %s among %d spans: %v", w.workflow, id, len(spans), names(spans))
	}
	trace := sameTrace(spans, run.TraceId)
	byID := map[string]*tracepb.Span{}
	var roots []*tracepb.Span
	for _, s := range trace {
		byID[hex.EncodeToString(s.SpanId)] = s
		if len(s.ParentSpanId) == 0 {
			roots = append(roots, s)
		}
	}
	if len(roots) != 1 || roots[0].Name != "Decide:"+w.workflow {
		t.Fatalf("roots of the trace = %v, want one Decide:%s", names(roots), w.workflow)
	}
	root := roots[0]
	if got := attr(root, string(tracing.AttrReason)); got != w.reason {
		t.Errorf("decision reason = %q, want %q", got, w.reason)
	}
	ran := map[string]bool{}
	for _, s := range trace {
		if s != root && !descends(s, root, byID) {
			t.Errorf("span %s does not descend from the decision", s.Name)
		}
		if attr(s, string(tracing.AttrNodeGroup)) != nodeGroup || attr(s, string(tracing.AttrWorkflowID)) != id {
			t.Errorf("span %s: nodegroup %q, workflow %q; want %q, %q", s.Name, attr(s, string(tracing.AttrNodeGroup)),
				attr(s, string(tracing.AttrWorkflowID)), nodeGroup, id)
		}
		if name, ok := strings.CutPrefix(s.Name, "RunActivity:"); ok {
			ran[name] = true
		}
	}
	for _, a := range w.activities {
		if !ran[a] {
			t.Errorf("activity %s of the history has no RunActivity span in the trace (spans: %v)", a, names(trace))
		}
	}
	// Every span the workflow's own work made is in this one trace.
	for _, s := range spans {
		if attr(s, string(tracing.AttrWorkflowID)) == id && isWorkSpan(s.Name) && !slices.Contains(trace, s) {
			t.Errorf("span %s of %s is in another trace", s.Name, id)
		}
	}
	t.Logf("trace %s: %d spans, %d activities", hex.EncodeToString(run.TraceId), len(trace), len(w.activities))
}

func isWorkSpan(name string) bool {
	for _, p := range []string{"RunWorkflow:", "StartActivity:", "RunActivity:"} {
		if _, ok := strings.CutPrefix(name, p); ok {
			return true
		}
	}
	return false
}

// scheduledActivities are the distinct activity types of the run's history.
func scheduledActivities(ctx context.Context, t *testing.T, c sdkclient.Client, id string) []string {
	t.Helper()
	var out []string
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && !slices.Contains(out, a.ActivityType.GetName()) {
			out = append(out, a.ActivityType.GetName())
		}
	}
	if len(out) == 0 {
		t.Fatalf("the history of %s schedules no activity", id)
	}
	return out
}

func findSpan(spans []*tracepb.Span, name, id string) *tracepb.Span {
	for _, s := range spans {
		if s.Name == name && attr(s, string(tracing.AttrWorkflowID)) == id {
			return s
		}
	}
	return nil
}

func sameTrace(spans []*tracepb.Span, traceID []byte) []*tracepb.Span {
	var out []*tracepb.Span
	for _, s := range spans {
		if slices.Equal(s.TraceId, traceID) {
			out = append(out, s)
		}
	}
	return out
}

// descends follows parent links up to root; a parent missing from the trace breaks the chain.
func descends(s, root *tracepb.Span, byID map[string]*tracepb.Span) bool {
	for hops := 0; s != nil && hops < 64; hops++ {
		if slices.Equal(s.ParentSpanId, root.SpanId) {
			return true
		}
		s = byID[hex.EncodeToString(s.ParentSpanId)]
	}
	return false
}

func attr(s *tracepb.Span, key string) string {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			return kv.Value.GetStringValue()
		}
	}
	return ""
}

func names(spans []*tracepb.Span) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

// otlpReceiver is an OTLP/gRPC trace receiver: what a collector, Jaeger or Tempo serves on port 4317.
type otlpReceiver struct {
	collectortrace.UnimplementedTraceServiceServer
	addr     string
	mu       sync.Mutex
	received []*tracepb.Span
	services map[string]bool // service.name of every batch
}

func startOTLPReceiver(t *testing.T) *otlpReceiver {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &otlpReceiver{addr: lis.Addr().String(), services: map[string]bool{}}
	srv := grpc.NewServer()
	collectortrace.RegisterTraceServiceServer(srv, r)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return r
}

func (r *otlpReceiver) Export(_ context.Context, req *collectortrace.ExportTraceServiceRequest) (
	*collectortrace.ExportTraceServiceResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rs := range req.ResourceSpans {
		r.services[resourceAttr(rs, "service.name")+" "+resourceAttr(rs, "k8s.cluster.name")] = true
		for _, ss := range rs.ScopeSpans {
			r.received = append(r.received, ss.Spans...)
		}
	}
	return &collectortrace.ExportTraceServiceResponse{}, nil
}

func resourceAttr(rs *tracepb.ResourceSpans, key string) string {
	for _, kv := range rs.GetResource().GetAttributes() {
		if kv.Key == key {
			return kv.Value.GetStringValue()
		}
	}
	return ""
}

func (r *otlpReceiver) serviceNames() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.services))
}

func (r *otlpReceiver) spans() []*tracepb.Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.received)
}
