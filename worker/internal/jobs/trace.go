package jobs

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/autonome-go/autonome/shared/tracing"
	"github.com/autonome-go/autonome/worker/internal/agent"
)

var tracer = tracing.Tracer("github.com/autonome-go/autonome/worker/internal/jobs")

// decide runs one decision in a span of its own, the parent of its phases,
// model calls and executions.
func (j *Jobs) decide(ctx context.Context, d agent.Decision) (agent.Outcome, error) {
	ctx, span := tracer.Start(ctx, "decision", trace.WithAttributes(attribute.String("model", d.ModelID),
		attribute.String("slot", d.CycleSlot())))
	defer span.End()
	out, err := j.runner.Decide(ctx, d)
	span.SetAttributes(attribute.String("decision.status", string(out.Status)),
		attribute.Int64("gen_ai.usage.input_tokens", out.Usage.InputTokens),
		attribute.Int64("gen_ai.usage.output_tokens", out.Usage.OutputTokens))
	switch {
	case err != nil:
		span.SetStatus(codes.Error, "decision error")
	case out.Failure != nil:
		span.SetStatus(codes.Error, string(out.Failure.Reason))
	}
	return out, err
}
