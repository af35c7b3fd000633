package postgres_test

import (
	"sort"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

// BenchmarkWriteBatchOneFill measures persisting one fill (the fill's
// ledger line, the account totals, its position row and its order row, in
// one transaction) against the real PostgreSQL, and reports p50/p99.
func BenchmarkWriteBatchOneFill(b *testing.B) {
	pool, _ := testenv.Postgres(b)
	ctx := testenv.Context(b, 10*time.Minute)
	if _, err := postgres.Seed(ctx, pool, arena.DefaultRoster()[:1], arena.FixedInt(10_000)); err != nil {
		b.Fatal(err)
	}
	var model string
	if err := pool.QueryRow(ctx, `SELECT "id" FROM "Models"`).Scan(&model); err != nil {
		b.Fatal(err)
	}
	cash := arena.FixedInt(10_000)
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		seq := uint64(3*i + 1)
		fee := arena.MustFixed("0.27")
		cash -= fee
		id := "bench-" + time.Duration(i).String()
		batch := arena.Batch{Seq: uint64(i + 1), Time: now,
			Orders: []arena.Order{{OrderRequest: arena.OrderRequest{AccountID: model, OrderID: id, Symbol: "BTC", Side: arena.Long,
				Type: arena.OrderMarket, Quantity: arena.MustFixed("0.01")}, State: arena.OrderFilled, Filled: arena.MustFixed("0.01"),
				AvgPrice: arena.FixedInt(97_000), Fees: fee, SubmittedAt: now, UpdatedAt: now, Seq: seq}},
			Fills: []arena.Fill{{Seq: seq + 1, Time: now, AccountID: model, OrderID: id, PositionID: id, Symbol: "BTC", Side: arena.Long,
				Price: arena.FixedInt(97_000), Quantity: arena.MustFixed("0.01"), Notional: arena.FixedInt(970), Fee: fee,
				Liquidity: arena.Taker, CashAfter: cash}},
			Positions: []arena.Position{{ID: id, AccountID: model, Symbol: "BTC", Side: arena.Long, Status: arena.PositionClosed,
				ClosedQuantity: arena.MustFixed("0.01"), EntryPrice: arena.FixedInt(97_000), ExitPrice: arena.FixedInt(97_000),
				Fees: fee, OpenedAt: now, ClosedAt: now, UpdatedAt: now, Seq: seq + 2}},
		}
		start := time.Now()
		if _, err := postgres.WriteBatch(ctx, pool, &batch); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
