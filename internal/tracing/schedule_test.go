package tracing_test

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
	"github.com/vpsie/vpsie-autoscaler/internal/tracing"
)

// A Schedule keeps the header it was created with and hands it to every run it starts: with the creation traced,
// every orphan collection would join the trace of the process start that created the Schedule, one trace growing
// forever. Each scheduled run must start a trace of its own instead.
func TestScheduleCarriesNoTraceIntoItsRuns(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	tr, err := tracing.WithExporter(tracetest.NewInMemoryExporter(), tracing.Options{
		Config: config.TracingConfig{Enabled: true, Endpoint: "collector:4317", SamplePercent: 100}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c, err := temporalclient.Dial(ctx, temporalclient.Options{Address: ts.GetFrontendHostPort(),
		Namespace: ts.GetDefaultNamespace(), Interceptors: tr.TemporalInterceptors()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.ScheduleClient().Create(ctx, sdkclient.ScheduleOptions{ID: "gc/test",
		Spec:   sdkclient.ScheduleSpec{Intervals: []sdkclient.ScheduleIntervalSpec{{Every: time.Hour}}},
		Action: &sdkclient.ScheduleWorkflowAction{ID: "gc/test", Workflow: "CollectOrphans", TaskQueue: "q"}})
	if err != nil {
		t.Fatal(err)
	}
	desc, err := c.WorkflowService().DescribeSchedule(ctx, &workflowservice.DescribeScheduleRequest{
		Namespace: ts.GetDefaultNamespace(), ScheduleId: "gc/test"})
	if err != nil {
		t.Fatal(err)
	}
	if fields := desc.GetSchedule().GetAction().GetStartWorkflow().GetHeader().GetFields(); len(fields) != 0 {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		t.Errorf("the Schedule's runs would start with header %v, want none", keys)
	}
}
