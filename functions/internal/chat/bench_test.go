package chat

import (
	"context"
	"testing"

	"github.com/autonome-go/autonome/shared/testenv"
)

// BenchmarkSQLTool is one model-written query end to end: a connection of
// its own, the READ ONLY transaction and limits, chat.query's cursor and
// the JSON rows decoded (make bench).
func BenchmarkSQLTool(b *testing.B) {
	pool, _ := testenv.Postgres(b)
	seed(b, pool)
	r := newSQLRunner(pool, SQLLimits{})
	r.limits.defaults()
	ctx := context.Background()
	for b.Loop() {
		res, err := r.run(ctx, `SELECT m.name, m.variant, t.net_pnl FROM models m LEFT JOIN model_totals t ON t.model_id = m.id ORDER BY m.name`)
		if err != nil || res.RowCount != 3 {
			b.Fatal(res, err)
		}
	}
}

// BenchmarkFixedTool is the models overview, the co-pilot's most used read.
func BenchmarkFixedTool(b *testing.B) {
	pool, _ := testenv.Postgres(b)
	seed(b, pool)
	h, err := NewHandler(Options{Pool: pool})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.tools.call(ctx, toolOverview, []byte(`{}`)); err != nil {
			b.Fatal(err)
		}
	}
}
