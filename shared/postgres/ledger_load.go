package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
)

// recentOrders is how many finished client orders per account LoadState
// returns (not the exchange's own exit and liquidation orders, which have
// no client id to retry and which the exchange does not remember either),
// so a client order id retried after a restart is still recognised.
const recentOrders = 200

// LoadState reads everything the exchange needs to continue exactly where
// the last persisted batch left it: counters, every account's ledger totals,
// open positions, live orders and recently finished orders. It reads in one
// repeatable-read transaction so the parts agree.
func LoadState(ctx context.Context, pool *pgxpool.Pool) (arena.ExchangeState, error) {
	var st arena.ExchangeState
	tx, err := pool.BeginTx(ctx, txRepeatableRead)
	if err != nil {
		return st, fmt.Errorf("begin load: %w", err)
	}
	defer tx.Rollback(ctx)

	var batchSeq, recordSeq, storedOrderSeq int64
	var clock, lastFunding *time.Time
	var rates []byte
	err = tx.QueryRow(ctx, `SELECT "batchSeq", "recordSeq", "clock", "lastFunding", "rng", "rates", "orderSeq" FROM "SimulatorState"`).
		Scan(&batchSeq, &recordSeq, &clock, &lastFunding, &st.RNG, &rates, &storedOrderSeq)
	if err != nil {
		return st, fmt.Errorf("read simulator state: %w", err)
	}
	if len(rates) > 0 {
		if err := json.Unmarshal(rates, &st.Rates); err != nil {
			return st, fmt.Errorf("decode market rates: %w", err)
		}
	}
	st.BatchSeq, st.RecordSeq = uint64(batchSeq), uint64(recordSeq)
	if clock != nil {
		st.Time = clock.UTC()
	}
	if lastFunding != nil {
		st.LastFunding = lastFunding.UTC()
	}

	// The exchange numbers orders by priority; continue after the highest.
	var orderSeq int64
	err = tx.QueryRow(ctx, `SELECT COALESCE(MAX(("state"->>'priority')::bigint), 0) FROM "SimOrders" WHERE "state" IS NOT NULL`).Scan(&orderSeq)
	if err != nil {
		return st, fmt.Errorf("read order sequence: %w", err)
	}
	st.OrderSeq = uint64(max(orderSeq, storedOrderSeq))

	accounts := map[string]*arena.AccountState{}
	rows, err := tx.Query(ctx, `SELECT "modelId", "initialCapital", "cash", "realizedPnl",
		"feesPaid", "fundingPnl", "insuranceCredit" FROM "Accounts" ORDER BY "modelId"`, numericText)
	if err != nil {
		return st, fmt.Errorf("read accounts: %w", err)
	}
	for rows.Next() {
		a := arena.AccountState{Positions: []arena.Position{}, Orders: []arena.Order{}}
		if err := rows.Scan(&a.AccountID, &a.Capital, &a.Cash, &a.RealizedPnL, &a.Fees, &a.Funding, &a.Insurance); err != nil {
			return st, fmt.Errorf("scan account: %w", err)
		}
		st.Accounts = append(st.Accounts, a)
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("read accounts: %w", err)
	}
	for i := range st.Accounts {
		accounts[st.Accounts[i].AccountID] = &st.Accounts[i]
	}

	if err := loadJSON(ctx, tx, `SELECT "modelId", "state" FROM "Orders" WHERE "status" = 'OPEN' AND "state" IS NOT NULL ORDER BY "openedAt", "id"`,
		func(a *arena.AccountState, raw []byte) error {
			var p arena.Position
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			a.Positions = append(a.Positions, p)
			return nil
		}, accounts); err != nil {
		return st, fmt.Errorf("read open positions: %w", err)
	}
	if err := loadJSON(ctx, tx, `SELECT "modelId", "state" FROM "SimOrders" WHERE "status" IN ('PENDING', 'RESTING') AND "state" IS NOT NULL ORDER BY "createdAt", "id"`,
		func(a *arena.AccountState, raw []byte) error {
			var o arena.Order
			if err := json.Unmarshal(raw, &o); err != nil {
				return err
			}
			a.Orders = append(a.Orders, o)
			return nil
		}, accounts); err != nil {
		return st, fmt.Errorf("read live orders: %w", err)
	}
	if err := loadJSON(ctx, tx, `SELECT "modelId", "state" FROM (
			SELECT "modelId", "state", "updatedAt", "id", row_number() OVER (PARTITION BY "modelId" ORDER BY ("state"->>'seq')::bigint DESC) AS n
			FROM "SimOrders" WHERE "status" NOT IN ('PENDING', 'RESTING') AND "state" IS NOT NULL
				AND NOT "state" ? 'trigger') r
		WHERE n <= $1 ORDER BY ("state"->>'seq')::bigint`,
		func(a *arena.AccountState, raw []byte) error {
			var o arena.Order
			if err := json.Unmarshal(raw, &o); err != nil {
				return err
			}
			a.Recent = append(a.Recent, o)
			return nil
		}, accounts, recentOrders); err != nil {
		return st, fmt.Errorf("read recent orders: %w", err)
	}
	for i := range st.Accounts {
		st.Accounts[i].RecentComplete = len(st.Accounts[i].Recent) < recentOrders
	}
	return st, tx.Commit(ctx)
}

var txRepeatableRead = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// loadJSON runs query (rows of modelId, jsonb) and hands each document to
// add with its account. A row whose account is unknown is an error: the
// ledger would not balance without it.
func loadJSON(ctx context.Context, tx pgx.Tx, query string, add func(*arena.AccountState, []byte) error,
	accounts map[string]*arena.AccountState, args ...any) error {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			return err
		}
		a, ok := accounts[id]
		if !ok {
			return fmt.Errorf("row of model %s, which has no account", id)
		}
		if err := add(a, raw); err != nil {
			return fmt.Errorf("decode row of %s: %w", id, err)
		}
	}
	return rows.Err()
}
