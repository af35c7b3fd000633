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

// write persists consecutive ledger batches in one transaction, in a span
// of its own.
func (s *Simulator) write(ctx context.Context, bs []arena.Batch) error {
	fills, orders := 0, 0
	for _, b := range bs {
		fills, orders = fills+len(b.Fills), orders+len(b.Orders)
	}
	ctx, span := tracer.Start(ctx, "ledger.write_batch", trace.WithAttributes(
		attribute.Int64("ledger.batch_seq", int64(bs[len(bs)-1].Seq)), attribute.Int("ledger.batches", len(bs)),
		attribute.Int("ledger.orders", orders), attribute.Int("ledger.fills", fills)))
	defer span.End()
	_, err := postgres.WriteBatches(ctx, s.pool, bs)
	if err != nil {
		span.SetStatus(codes.Error, "ledger write failed")
	}
	return err
}
