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
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		ok, err := advanceBatchSeq(ctx, tx, b)
		if err != nil || !ok {
			return err
		}
		if err := writeAccounts(ctx, tx, b); err != nil {
			return err
		}
		if err := writePositions(ctx, tx, b.Positions); err != nil {
			return err
		}
		if err := writeOrders(ctx, tx, b.Orders); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied, err
}

func advanceBatchSeq(ctx context.Context, tx pgx.Tx, b *arena.Batch) (bool, error) {
	var stored int64
	if err := tx.QueryRow(ctx, `SELECT "batchSeq" FROM "SimulatorState" FOR UPDATE`).Scan(&stored); err != nil {
		return false, fmt.Errorf("read simulator state: %w", err)
	}
	switch {
	case int64(b.Seq) <= stored:
		return false, nil
	case int64(b.Seq) != stored+1:
		return false, fmt.Errorf("%w: stored %d, got %d", ErrBatchGap, stored, b.Seq)
	}
	var rates []byte
	if len(b.Rates) > 0 {
		var err error
		if rates, err = json.Marshal(b.Rates); err != nil {
			return false, fmt.Errorf("encode market rates: %w", err)
		}
	}
	_, err := tx.Exec(ctx, `UPDATE "SimulatorState" SET "batchSeq" = $1, "recordSeq" = GREATEST("recordSeq", $2),
		"clock" = $3, "lastFunding" = $4, "rng" = COALESCE($5, "rng"), "rates" = COALESCE($6, "rates"),
		"orderSeq" = GREATEST("orderSeq", $7), "updatedAt" = now()`,
		int64(b.Seq), int64(b.MaxSeq()), b.Time, b.Time.Truncate(time.Hour), b.RNG, rates, int64(b.OrderSeq))
	if err != nil {
		return false, fmt.Errorf("advance simulator state: %w", err)
	}
	return true, nil
}

// entry is one ledger line, ordered by its exchange record Seq.
type entry struct {
	seq        uint64
	account    string
	kind       string
	symbol     arena.Symbol
	orderID    string
	positionID string
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
			qty: f.Quantity, price: f.MarkPrice, amount: f.Amount, cashAfter: f.CashAfter, at: f.Time, funding: f.Amount})
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

// writeAccounts applies each entry to its account's totals, in record
// order, checks the cash the exchange reported, and journals the entry.
// The table's CHECK constraint verifies the balance identity itself.
func writeAccounts(ctx context.Context, tx pgx.Tx, b *arena.Batch) error {
	for _, e := range entries(b) {
		var cash string
		var epoch int
		var err error
		if e.kind == "RESET" {
			err = tx.QueryRow(ctx, `UPDATE "Accounts" SET "initialCapital" = $2::numeric, "cash" = $2::numeric,
				"realizedPnl" = 0, "feesPaid" = 0, "fundingPnl" = 0, "insuranceCredit" = 0,
				"epoch" = "epoch" + 1, "updatedAt" = $3 WHERE "modelId" = $1 RETURNING "cash"::text, "epoch"`,
				e.account, e.capital.String(), e.at).Scan(&cash, &epoch)
		} else {
			err = tx.QueryRow(ctx, `UPDATE "Accounts" SET
				"realizedPnl" = "realizedPnl" + $2::numeric, "feesPaid" = "feesPaid" + $3::numeric,
				"fundingPnl" = "fundingPnl" + $4::numeric, "insuranceCredit" = "insuranceCredit" + $5::numeric,
				"cash" = "cash" + $2::numeric - $3::numeric + $4::numeric + $5::numeric, "updatedAt" = $6
				WHERE "modelId" = $1 RETURNING "cash"::text, "epoch"`,
				e.account, e.realized.String(), e.fees.String(), e.funding.String(), e.insurance.String(), e.at).Scan(&cash, &epoch)
		}
		if err != nil {
			return fmt.Errorf("update account %s for record %d: %w", e.account, e.seq, err)
		}
		got, err := arena.ParseFixed(cash)
		if err != nil {
			return fmt.Errorf("parse cash of %s: %w", e.account, err)
		}
		if got != e.cashAfter {
			return fmt.Errorf("ledger divergence on %s at record %d: database cash %s, exchange cash %s", e.account, e.seq, got, e.cashAfter)
		}
		_, err = tx.Exec(ctx, `INSERT INTO "LedgerEntries"
			("modelId", "epoch", "kind", "symbol", "orderId", "positionId", "quantity", "price", "amount", "seq", "createdAt")
			VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), NULLIF($6, ''), $7::numeric, $8::numeric, $9::numeric, $10, $11)`,
			e.account, epoch, e.kind, string(e.symbol), e.orderID, e.positionID,
			nullFixed(e.qty), nullFixed(e.price), e.amount.String(), int64(e.seq), e.at)
		if err != nil {
			return fmt.Errorf("journal record %d: %w", e.seq, err)
		}
	}
	return nil
}

// writePositions upserts each position's row, in record order, so that a
// flip closes the old row before it opens the new one.
func writePositions(ctx context.Context, tx pgx.Tx, ps []arena.Position) error {
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
		_, err = tx.Exec(ctx, `INSERT INTO "Orders" ("id", "modelId", "symbol", "side", "quantity", "leverage",
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
			p.OpenedAt, closedAt, p.UpdatedAt, state)
		if err != nil {
			return fmt.Errorf("write position %s: %w", p.ID, err)
		}
	}
	return nil
}

// writeOrders upserts each order's latest version.
func writeOrders(ctx context.Context, tx pgx.Tx, os []arena.Order) error {
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
		tag, err := tx.Exec(ctx, `INSERT INTO "SimOrders" ("id", "modelId", "symbol", "side", "type", "timeInForce",
				"reduceOnly", "quantity", "limitPrice", "leverage", "filledQty", "status", "reason", "createdAt", "updatedAt", "state")
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8::numeric, $9::numeric, $10::numeric, $11::numeric, $12, NULLIF($13, ''), $14, $15, $16)
			ON CONFLICT ("modelId", "id") DO UPDATE SET "side" = EXCLUDED."side", "quantity" = EXCLUDED."quantity",
				"filledQty" = EXCLUDED."filledQty", "status" = EXCLUDED."status",
				"reason" = EXCLUDED."reason", "updatedAt" = EXCLUDED."updatedAt", "state" = EXCLUDED."state"
			WHERE "SimOrders"."createdAt" = EXCLUDED."createdAt"`,
			o.OrderID, o.AccountID, string(o.Symbol), nullString(string(o.Side)), string(o.Type), tif, o.ReduceOnly || o.ClosePosition,
			o.Quantity.String(), nullFixed(o.Price), nullFixed(o.Leverage.RoundTo(arena.MustFixed("0.01"))),
			o.Filled.String(), status, o.Reason, o.SubmittedAt, o.UpdatedAt, state)
		if err != nil {
			return fmt.Errorf("write order %s: %w", o.OrderID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("write order %s of %s: %w", o.OrderID, o.AccountID, ErrDuplicateOrderID)
		}
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
