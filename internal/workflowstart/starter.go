package workflowstart

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	sdkclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/vpsie/vpsie-autoscaler/internal/tracing"
)

// Search attributes set on every workflow the product starts, so an operator can filter
// the runs of one NodeGroup, or of one kind, in the Web UI.
var (
	AttrNodeGroup = temporal.NewSearchAttributeKeyKeyword("NodeGroup")
	AttrOperation = temporal.NewSearchAttributeKeyKeyword("Operation")
)

// SearchAttributeNames are the names to register in the namespace.
func SearchAttributeNames() []string {
	return []string{AttrNodeGroup.GetName(), AttrOperation.GetName()}
}

// Client is the part of the Temporal client the starter needs.
type Client interface {
	ExecuteWorkflow(ctx context.Context, o sdkclient.StartWorkflowOptions, workflow any, args ...any) (sdkclient.WorkflowRun, error)
	DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error)
}

// Reuse says what a finished run with the same ID means.
type Reuse int

const (
	// RestartFinished starts the workflow again once its previous run finished: for
	// operations that must eventually succeed (a termination the operator cancelled).
	RestartFinished Reuse = iota
	// NeverReuse treats a finished run as the operation done: starting it again
	// returns ErrAlreadyRan (a scale-up batch runs once).
	NeverReuse
)

// ErrAlreadyRan: a run with this ID finished and the spec says never to reuse it.
var ErrAlreadyRan = errors.New("workflow already ran")

// Spec is one workflow to start, or to attach to when it is running.
type Spec struct {
	ID       string
	Workflow string
	Input    any
	Reuse    Reuse
	// NodeGroup ("namespace/name") and Operation become search attributes.
	NodeGroup string
	Operation string
	// Reason is the planner's typed reason (its stable name), recorded on the decision span.
	Reason string
	// Memo is shown with the run in the Web UI (a plan summary, for example).
	Memo map[string]any
}

// Starter starts workflows on one task queue.
type Starter struct {
	client    Client
	taskQueue string
	attrs     atomic.Bool
	tracer    trace.TracerProvider
}

// New returns a Starter; search attributes are off until EnableSearchAttributes, and traces until WithTracing.
func New(c Client, taskQueue string) *Starter {
	return &Starter{client: c, taskQueue: taskQueue, tracer: noop.NewTracerProvider()}
}

// WithTracing opens every start's decision span from tp (internal/tracing); call it before the first start.
func (s *Starter) WithTracing(tp trace.TracerProvider) *Starter {
	s.tracer = tp
	return s
}

// EnableSearchAttributes turns search attributes on once the namespace has them
// registered (a start with an unknown attribute fails).
func (s *Starter) EnableSearchAttributes(on bool) { s.attrs.Store(on) }

// StartOrAttach starts the workflow under its deterministic ID, or returns the running
// one: Temporal hands back the running run instead of a second. Each call is the root span
// of one trace (the decision); the workflow and its activities become its descendants.
func (s *Starter) StartOrAttach(ctx context.Context, spec Spec) (sdkclient.WorkflowRun, error) {
	ctx, span := tracing.StartDecision(ctx, s.tracer, tracing.Decision{NodeGroup: spec.NodeGroup,
		Operation: spec.Operation, Reason: spec.Reason, WorkflowID: spec.ID, Workflow: spec.Workflow})
	run, err := s.startOrAttach(ctx, spec)
	tracing.EndDecision(span, err, errors.Is(err, ErrAlreadyRan))
	return run, err
}

func (s *Starter) startOrAttach(ctx context.Context, spec Spec) (sdkclient.WorkflowRun, error) {
	o := sdkclient.StartWorkflowOptions{
		ID:                       spec.ID,
		TaskQueue:                s.taskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		Memo:                     spec.Memo,
	}
	if spec.Reuse == NeverReuse {
		// Without the error flag the SDK hands back the finished run as if it were running.
		o.WorkflowIDReusePolicy = enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
		o.WorkflowExecutionErrorWhenAlreadyStarted = true
	}
	if s.attrs.Load() {
		o.TypedSearchAttributes = temporal.NewSearchAttributes(
			AttrNodeGroup.ValueSet(spec.NodeGroup), AttrOperation.ValueSet(spec.Operation))
	}
	var args []any
	if spec.Input != nil {
		args = append(args, spec.Input)
	}
	run, err := s.client.ExecuteWorkflow(ctx, o, spec.Workflow, args...)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil, fmt.Errorf("starting workflow %s: %w", spec.ID, ErrAlreadyRan)
	}
	if err != nil {
		return nil, fmt.Errorf("starting workflow %s: %w", spec.ID, err)
	}
	return run, nil
}
