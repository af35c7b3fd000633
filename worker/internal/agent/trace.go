package agent

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/tracing"
	"github.com/autonome-go/autonome/worker/internal/decision"
)

var tracer = tracing.Tracer("github.com/autonome-go/autonome/worker/internal/agent")

// Execute implements decision.Executor: one validated intent, executed in
// its own span (a child of the decision's).
func (e *executor) Execute(ctx context.Context, in decision.Intent) (decision.Outcome, error) {
	ctx, span := tracer.Start(ctx, "decision.execute", trace.WithAttributes(
		attribute.String("intent", string(in.Kind)), attribute.String("market", string(in.Symbol))))
	defer span.End()
	out, err := e.execute(ctx, in)
	if err != nil {
		span.SetStatus(codes.Error, string(arena.ErrorCode(err)))
	}
	return out, err
}

// phase starts a child span of a decision for one of its phases.
func phase(ctx context.Context, name string) (context.Context, trace.Span) {
	return tracer.Start(ctx, "decision."+name)
}
