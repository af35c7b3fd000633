package llm

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/autonome-go/autonome/shared/tracing"
)

var tracer = tracing.Tracer("github.com/autonome-go/autonome/worker/internal/llm")

// complete is completeRetrying in a span per model call (retries included),
// carrying the provider model id, the attempts and the tokens used.
func (c *Client) complete(ctx context.Context, req *chatRequest) (*chatResponse, callStats, error) {
	ctx, span := tracer.Start(ctx, "llm.chat_completion", trace.WithAttributes(attribute.String("gen_ai.request.model", req.Model)))
	defer span.End()
	resp, st, err := c.completeRetrying(ctx, req)
	span.SetAttributes(attribute.Int("llm.attempts", st.Attempts))
	if resp != nil && resp.Usage != nil {
		span.SetAttributes(attribute.Int64("gen_ai.usage.input_tokens", resp.Usage.PromptTokens),
			attribute.Int64("gen_ai.usage.output_tokens", resp.Usage.CompletionTokens))
	}
	if err != nil {
		span.SetStatus(codes.Error, "model call failed")
	}
	return resp, st, err
}
