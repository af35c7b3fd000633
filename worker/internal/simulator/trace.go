package simulator

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/tracing"
)

var tracer = tracing.Tracer("github.com/autonome-go/autonome/worker/internal/simulator")

// write persists one ledger batch in a span of its own.
func (s *Simulator) write(ctx context.Context, b *arena.Batch) error {
	ctx, span := tracer.Start(ctx, "ledger.write_batch", trace.WithAttributes(
		attribute.Int64("ledger.batch_seq", int64(b.Seq)), attribute.Int("ledger.orders", len(b.Orders)),
		attribute.Int("ledger.fills", len(b.Fills))))
	defer span.End()
	_, err := postgres.WriteBatch(ctx, s.pool, b)
	if err != nil {
		span.SetStatus(codes.Error, "ledger write failed")
	}
	return err
}
