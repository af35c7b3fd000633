package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
)

// ErrBatchGap reports a batch whose Seq does not follow the last persisted
// one: an earlier batch was lost, and writing this one would skip money.
var ErrBatchGap = fmt.Errorf("ledger batch out of sequence")

// WriteBatch persists one exchange batch in one transaction: the account
// totals, the ledger entries, the position rows ("Orders"), the order rows
// ("SimOrders") and the exchange's counters. It is applied exactly once:
// a batch already persisted (Seq not above the stored one) is skipped and
// reported as applied=false; a batch that skips a Seq is ErrBatchGap.
func WriteBatch(ctx context.Context, pool *pgxpool.Pool, b *arena.Batch) (applied bool, err error) {
	n, err := WriteBatches(ctx, pool, []arena.Batch{*b})
	return n == 1, err
}

// WriteBatches persists consecutive batches, in order, in one transaction
// (a group commit: one round trip for all their statements, one commit),
// with WriteBatch's exactly-once rule per batch: those already persisted
// are skipped, the rest must follow the stored Seq without a gap. It
// returns how many it applied; on an error it applied none.
func WriteBatches(ctx context.Context, pool *pgxpool.Pool, bs []arena.Batch) (applied int, err error) {
	if len(bs) == 0 {
		return 0, nil
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var stored int64
		if err := tx.QueryRow(ctx, `SELECT "batchSeq" FROM "SimulatorState" FOR UPDATE`).Scan(&stored); err != nil {
			return fmt.Errorf("read simulator state: %w", err)
		}
		q := &pgx.Batch{}
		n := 0
		for i := range bs {
			b := &bs[i]
			switch {
			case int64(b.Seq) <= stored:
				continue
			case int64(b.Seq) != stored+1:
				return fmt.Errorf("%w: stored %d, got %d", ErrBatchGap, stored, b.Seq)
			}
			stored++
			if err := queueBatch(q, b); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return nil
		}
		if err := tx.SendBatch(ctx, q).Close(); err != nil {
			return err
		}
		applied = n
		return nil
	})
	if err != nil {
		applied = 0
	}
	return applied, err
}

// queueBatch queues b's statements: the exchange's counters, then the
// accounts and journal, the position rows and the order rows.
func queueBatch(q *pgx.Batch, b *arena.Batch) error {
	var rates []byte
	if len(b.Rates) > 0 {
		var err error
		if rates, err = json.Marshal(b.Rates); err != nil {
			return fmt.Errorf("encode market rates: %w", err)
		}
	}
	q.Queue(`UPDATE "SimulatorState" SET "batchSeq" = $1, "recordSeq" = GREATEST("recordSeq", $2),
		"clock" = $3, "lastFunding" = $4, "rng" = COALESCE($5, "rng"), "rates" = COALESCE($6, "rates"),
		"orderSeq" = GREATEST("orderSeq", $7), "updatedAt" = now()`,
		int64(b.Seq), int64(b.MaxSeq()), b.Time, b.Time.Truncate(time.Hour), b.RNG, rates, int64(b.OrderSeq),
	).Exec(func(_ pgconn.CommandTag) error { return nil })
	queueAccounts(q, b)
	if err := queuePositions(q, b.Positions); err != nil {
		return err
	}
	return queueOrders(q, b.Orders)
}

// entry is one ledger line, ordered by its exchange record Seq.
type entry struct {
	seq        uint64
	account    string
	kind       string
	symbol     arena.Symbol
	orderID    string
	positionID string
	venueRef   string // FUNDING a venue paid
	qty, price arena.Fixed
	amount     arena.Fixed
	cashAfter  arena.Fixed
	capital    arena.Fixed // RESET only
	at         time.Time
	// effect on the totals
	realized, fees, funding, insurance arena.Fixed
}

func entries(b *arena.Batch) []entry {
	var out []entry
	for _, f := range b.Fills {
		out = append(out, entry{seq: f.Seq, account: f.AccountID, kind: "FILL", symbol: f.Symbol, orderID: f.OrderID,
			positionID: f.PositionID, qty: f.Quantity, price: f.Price, amount: f.RealizedPnL - f.Fee, cashAfter: f.CashAfter,
			at: f.Time, realized: f.RealizedPnL, fees: f.Fee})
	}
	for _, f := range b.Funding {
		out = append(out, entry{seq: f.Seq, account: f.AccountID, kind: "FUNDING", symbol: f.Symbol, positionID: f.PositionID,
			qty: f.Quantity, price: f.MarkPrice, amount: f.Amount, cashAfter: f.CashAfter, at: f.Time, funding: f.Amount, venueRef: f.VenueRef})
	}
	for _, l := range b.Liquidations {
		out = append(out, entry{seq: l.Seq, account: l.AccountID, kind: "LIQUIDATION_FEE", amount: -l.Fee,
			cashAfter: l.CashAfter, at: l.Time, fees: l.Fee})
	}
	for _, in := range b.Insurance {
		out = append(out, entry{seq: in.Seq, account: in.AccountID, kind: "INSURANCE", amount: in.Amount,
			cashAfter: in.CashAfter, at: in.Time, insurance: in.Amount})
	}
	for _, r := range b.Resets {
		out = append(out, entry{seq: r.Seq, account: r.AccountID, kind: "RESET", capital: r.Capital,
			cashAfter: r.Capital, at: r.Time})
	}
	slices.SortFunc(out, func(a, b entry) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// queueAccounts applies each entry to its account's totals, in record
// order, journals it with the account's epoch (one statement each), and
// checks the cash the exchange reported. The table's CHECK constraint
// verifies the balance identity itself.
func queueAccounts(q *pgx.Batch, b *arena.Batch) {
	for _, e := range entries(b) {
		sql, args := applyEntrySQL, []any{e.account, e.realized.String(), e.fees.String(), e.funding.String(),
			e.insurance.String(), e.at}
		if e.kind == "RESET" {
			sql, args = resetEntrySQL, []any{e.account, e.capital.String(), e.at}
		}
		args = append(args, e.kind, string(e.symbol), e.orderID, e.positionID, nullFixed(e.qty), nullFixed(e.price),
			e.amount.String(), int64(e.seq), e.venueRef)
		q.Queue(sql, args...).QueryRow(func(row pgx.Row) error {
			var got arena.Fixed
			if err := row.Scan(&got); err != nil {
				return fmt.Errorf("update account %s for record %d: %w", e.account, e.seq, err)
			}
			if got != e.cashAfter {
				return fmt.Errorf("ledger divergence on %s at record %d: database cash %s, exchange cash %s", e.account, e.seq, got, e.cashAfter)
			}
			return nil
		})
	}
}

// applyEntrySQL adds an entry's effect to the account's totals; resetEntrySQL
// starts a new epoch at the given capital. Both journal the entry (its
// fields follow the update's parameters) and return the cash after it.
var (
	applyEntrySQL = journaled(`UPDATE "Accounts" SET
		"realizedPnl" = "realizedPnl" + $2::numeric, "feesPaid" = "feesPaid" + $3::numeric,
		"fundingPnl" = "fundingPnl" + $4::numeric, "insuranceCredit" = "insuranceCredit" + $5::numeric,
		"cash" = "cash" + $2::numeric - $3::numeric + $4::numeric + $5::numeric, "updatedAt" = $6
		WHERE "modelId" = $1`, 6)
	resetEntrySQL = journaled(`UPDATE "Accounts" SET "initialCapital" = $2::numeric, "cash" = $2::numeric,
		"realizedPnl" = 0, "feesPaid" = 0, "fundingPnl" = 0, "insuranceCredit" = 0,
		"epoch" = "epoch" + 1, "updatedAt" = $3 WHERE "modelId" = $1`, 3)
)

// journaled wraps an account update taking n parameters into a statement
// that also inserts the ledger entry, whose kind, symbol, order, position,
// quantity, price, amount, seq and venue ref are parameters n+1 to n+9.
func journaled(update string, n int) string {
	p := func(i int) string { return fmt.Sprintf("$%d", n+i) }
	return `WITH a AS (` + update + ` RETURNING "modelId", "cash", "epoch", "updatedAt"),
		j AS (INSERT INTO "LedgerEntries"
			("modelId", "epoch", "kind", "symbol", "orderId", "positionId", "quantity", "price", "amount", "seq", "createdAt", "venueRef")
			SELECT a."modelId", a."epoch", ` + p(1) + `::"LedgerKind", NULLIF(` + p(2) + `::text, ''), NULLIF(` + p(3) +
		`::text, ''), NULLIF(` + p(4) + `::text, ''), ` + p(5) + `::numeric, ` + p(6) + `::numeric, ` + p(7) + `::numeric, ` + p(8) + `::bigint, a."updatedAt", NULLIF(` + p(9) + `::text, '') FROM a)
		SELECT "cash" FROM a`
}

// writePositions upserts each position's row, in record order, so that a
// flip closes the old row before it opens the new one.
func queuePositions(q *pgx.Batch, ps []arena.Position) error {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b arena.Position) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, p := range ps {
		state, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("encode position %s: %w", p.ID, err)
		}
		plan, err := json.Marshal(p.ExitPlan)
		if err != nil {
			return fmt.Errorf("encode exit plan of %s: %w", p.ID, err)
		}
		qty := p.Quantity
		var closedAt *time.Time
		if p.Status == arena.PositionClosed {
			qty = p.ClosedQuantity // a trade row shows what was traded
			closedAt = &p.ClosedAt
		}
		q.Queue(`INSERT INTO "Orders" ("id", "modelId", "symbol", "side", "quantity", "leverage",
				"entryPrice", "exitPlan", "status", "exitPrice", "realizedPnl", "fees", "fundingPnl", "margin",
				"closeTrigger", "openedAt", "closedAt", "updatedAt", "state")
			VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7::numeric, $8, $9, $10::numeric, $11::numeric,
				$12::numeric, $13::numeric, $14::numeric, $15, $16, $17, $18, $19)
			ON CONFLICT ("id") DO UPDATE SET "side" = EXCLUDED."side", "quantity" = EXCLUDED."quantity",
				"leverage" = EXCLUDED."leverage", "entryPrice" = EXCLUDED."entryPrice", "exitPlan" = EXCLUDED."exitPlan",
				"status" = EXCLUDED."status", "exitPrice" = EXCLUDED."exitPrice", "realizedPnl" = EXCLUDED."realizedPnl",
				"fees" = EXCLUDED."fees", "fundingPnl" = EXCLUDED."fundingPnl", "margin" = EXCLUDED."margin",
				"closeTrigger" = EXCLUDED."closeTrigger", "closedAt" = EXCLUDED."closedAt",
				"updatedAt" = EXCLUDED."updatedAt", "state" = EXCLUDED."state"`,
			p.ID, p.AccountID, string(p.Symbol), string(p.Side), qty.String(), p.Leverage.RoundTo(arena.MustFixed("0.01")).String(),
			p.EntryPrice.String(), plan, string(p.Status), nullFixed(p.ExitPrice), p.RealizedPnL.String(),
			p.Fees.String(), p.Funding.String(), p.Margin.String(), nullString(string(p.CloseTrigger)),
			p.OpenedAt, closedAt, p.UpdatedAt, state,
		).Exec(func(_ pgconn.CommandTag) error { return nil })
	}
	return nil
}

// writeOrders upserts each order's latest version.
func queueOrders(q *pgx.Batch, os []arena.Order) error {
	for _, o := range os {
		state, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("encode order %s: %w", o.OrderID, err)
		}
		status := string(o.State)
		if o.Partial() {
			status = "PARTIAL"
		}
		tif := string(o.TimeInForce)
		if tif == "" {
			tif = string(arena.GTC)
		}
		// A client order id is unique per account: a later version of the
		// same order updates its row, a second order under the same id
		// (another submission time) updates nothing and fails the batch.
		q.Queue(`INSERT INTO "SimOrders" ("id", "modelId", "symbol", "side", "type", "timeInForce",
				"reduceOnly", "quantity", "limitPrice", "leverage", "filledQty", "status", "reason", "createdAt", "updatedAt", "state")
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8::numeric, $9::numeric, $10::numeric, $11::numeric, $12, NULLIF($13, ''), $14, $15, $16)
			ON CONFLICT ("modelId", "id") DO UPDATE SET "side" = EXCLUDED."side", "quantity" = EXCLUDED."quantity",
				"filledQty" = EXCLUDED."filledQty", "status" = EXCLUDED."status",
				"reason" = EXCLUDED."reason", "updatedAt" = EXCLUDED."updatedAt", "state" = EXCLUDED."state"
			WHERE "SimOrders"."createdAt" = EXCLUDED."createdAt"`,
			o.OrderID, o.AccountID, string(o.Symbol), nullString(string(o.Side)), string(o.Type), tif, o.ReduceOnly || o.ClosePosition,
			o.Quantity.String(), nullFixed(o.Price), nullFixed(o.Leverage.RoundTo(arena.MustFixed("0.01"))),
			o.Filled.String(), status, o.Reason, o.SubmittedAt, o.UpdatedAt, state,
		).Exec(func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("write order %s of %s: %w", o.OrderID, o.AccountID, ErrDuplicateOrderID)
			}
			return nil
		})
	}
	return nil
}

// ErrDuplicateOrderID is a second order under a client order id the ledger
// already holds for the account: the exchange must never execute one.
var ErrDuplicateOrderID = errors.New("client order id already used by another order")

// nullFixed maps zero to SQL NULL (for optional prices and quantities).
func nullFixed(f arena.Fixed) *string {
	if f == 0 {
		return nil
	}
	s := f.String()
	return &s
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// VenueRefs lists the venue payments already booked on the account (every
// epoch): a live account books each once, across restarts.
func VenueRefs(ctx context.Context, pool *pgxpool.Pool, accountID string) (map[string]bool, error) {
	rows, err := pool.Query(ctx, `SELECT "venueRef" FROM "LedgerEntries" WHERE "modelId" = $1 AND "venueRef" IS NOT NULL`, accountID)
	if err != nil {
		return nil, err
	}
	refs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(refs))
	for _, r := range refs {
		out[r] = true
	}
	return out, nil
}
