package simulator_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/exchange"
)

var long = flag.Bool("long", false, "run the long property tests (many more crash-equivalence sequences)")

// Crash equivalence. A seeded generator produces a sequence of everything
// the exchange accepts: market, limit (GTC, IOC, post-only) and close
// orders, cancels, exit-plan updates, resets, book snapshots and trades that
// move through resting orders, price gaps of ±15%, funding rates, and clock
// jumps across hour boundaries. The sequence runs twice, each time writing
// every batch to its own real PostgreSQL database exactly as the simulator
// does: once straight through, once thrown away and restored from the
// database alone at random points. A restart is followed by the feed's
// resynchronisation (a snapshot of every book), which the straight run
// receives at the same instant too. Both runs must end with identical
// accounts, positions, live orders, "Orders" and "SimOrders" rows and ledger
// entries, and every account must balance after every step of both.

type crashOp struct {
	kind  string // book, trade, stats, wait, order, close, cancel, plan, reset, resync
	step  time.Duration
	sym   arena.Symbol
	books []arena.BookUpdate
	trade arena.TradePrint
	stats arena.MarketStats
	req   arena.OrderRequest
	acct  int
	id    string
	plan  arena.ExitPlan
	crash bool // the second run restarts before a resync
}

func crashConfig() exchange.Config {
	c := exchange.DefaultConfig()
	c.Markets = c.Markets[:2]
	c.TakerLatency, c.MakerLatency, c.StaleAfter = 150*time.Millisecond, 80*time.Millisecond, 0
	c.SlippageBps = arena.FixedInt(3)
	c.IdempotencyWindow = 16
	return c
}

// genCrashOps generates n operations for accounts accounts from seed.
func genCrashOps(seed uint64, n, accounts int) []crashOp {
	rng := rand.New(rand.NewPCG(seed, seed^0xabcdef))
	cfg := crashConfig()
	mids := map[arena.Symbol]arena.Fixed{}
	specs := cfg.Markets
	for _, m := range specs {
		mids[m.Symbol] = m.TickSize.MulInt(int64(200_000 + rng.IntN(100_000)))
	}
	snapshot := func(m arena.Market) arena.BookUpdate {
		u := arena.BookUpdate{Symbol: m.Symbol, Snapshot: true}
		mid := mids[m.Symbol].FloorTo(m.TickSize)
		for i := range 6 {
			size := m.LotSize.MulInt(int64(50 + rng.IntN(5000)))
			u.Bids = append(u.Bids, arena.Level{Price: mid - m.TickSize.MulInt(int64(i*3+1)), Size: size})
			u.Asks = append(u.Asks, arena.Level{Price: mid + m.TickSize.MulInt(int64(i*3+1)), Size: size})
		}
		return u
	}
	// size is an order quantity worth up to 6× the starting capital, so
	// that leverage, gaps and liquidations come into play.
	size := func(m arena.Market) arena.Fixed {
		notional := arena.FixedInt(int64(50 + rng.IntN(60_000)))
		return max(notional.Div(mids[m.Symbol]).FloorTo(m.LotSize), m.MinSize)
	}
	resync := func(crash bool) crashOp {
		op := crashOp{kind: "resync", crash: crash}
		for _, m := range specs {
			op.books = append(op.books, snapshot(m))
		}
		return op
	}
	ops := []crashOp{resync(false)}
	var ids []string
	for i := 0; len(ops) < n; i++ {
		m := specs[rng.IntN(len(specs))]
		step := time.Duration(1+rng.IntN(400)) * time.Millisecond
		acct := rng.IntN(accounts)
		r := rng.IntN(100)
		switch {
		case r < 3: // a restart (in the second run) and the feed's resync
			ops = append(ops, resync(true))
			continue
		case r < 22:
			move := arena.Fixed(rng.Int64N(2001) - 1000) // ±0.1%
			if rng.IntN(40) == 0 {
				move = arena.Fixed(rng.Int64N(300_001) - 150_000) // a gap of up to ±15%
			}
			mids[m.Symbol] += mids[m.Symbol].Mul(move.Div(arena.FixedInt(1_000_000)))
			ops = append(ops, crashOp{kind: "book", step: step, books: []arena.BookUpdate{snapshot(m)}})
		case r < 32:
			price := mids[m.Symbol].FloorTo(m.TickSize) + m.TickSize.MulInt(int64(rng.IntN(21)-10))
			ops = append(ops, crashOp{kind: "trade", step: step, trade: arena.TradePrint{Symbol: m.Symbol, Price: price,
				Size: m.LotSize.MulInt(int64(1 + rng.IntN(3000))), TakerBuy: rng.IntN(2) == 0}})
		case r < 37:
			rate := arena.Fixed(rng.Int64N(20_001) - 10_000) // ±0.0001 per hour
			ops = append(ops, crashOp{kind: "stats", step: step, stats: arena.MarketStats{Symbol: m.Symbol,
				MarkPrice: mids[m.Symbol].FloorTo(m.TickSize), FundingRate: rate}})
		case r < 41:
			ops = append(ops, crashOp{kind: "wait", step: time.Duration(rng.IntN(40)) * time.Minute})
		case r < 80:
			id := fmt.Sprintf("o%d", i)
			if len(ids) > 0 && rng.IntN(15) == 0 {
				id = ids[rng.IntN(len(ids))] // a resend of an earlier id
			}
			ids = append(ids, id)
			req := arena.OrderRequest{OrderID: id, Symbol: m.Symbol, Side: arena.Long, Type: arena.OrderMarket,
				Quantity: size(m), Leverage: arena.FixedInt(int64(1 + rng.IntN(10)))}
			if rng.IntN(2) == 0 {
				req.Side = arena.Short
			}
			if rng.IntN(2) == 0 {
				req.Type = arena.OrderLimit
				req.TimeInForce = []arena.TimeInForce{arena.GTC, arena.IOC, arena.PostOnly}[rng.IntN(3)]
				req.Price = mids[m.Symbol].FloorTo(m.TickSize) + m.TickSize.MulInt(int64(rng.IntN(41)-20))
			}
			if rng.IntN(4) == 0 {
				req.ExitPlan.Confidence = float64(rng.IntN(100)) / 100
			}
			ops = append(ops, crashOp{kind: "order", step: step, acct: acct, req: req})
		case r < 85:
			ops = append(ops, crashOp{kind: "close", step: step, acct: acct, sym: m.Symbol, id: fmt.Sprintf("c%d", i)})
		case r < 92:
			if len(ids) > 0 {
				ops = append(ops, crashOp{kind: "cancel", step: step, acct: acct, id: ids[rng.IntN(len(ids))]})
			}
		case r < 99:
			mid := mids[m.Symbol]
			plan := arena.ExitPlan{Stop: (mid - mid/20).FloorTo(m.TickSize), Target: (mid + mid/20).FloorTo(m.TickSize)}
			if rng.IntN(2) == 0 {
				plan = arena.ExitPlan{Stop: (mid + mid/20).FloorTo(m.TickSize), Target: (mid - mid/20).FloorTo(m.TickSize)}
			}
			ops = append(ops, crashOp{kind: "plan", step: step, acct: acct, sym: m.Symbol, plan: plan})
		default:
			ops = append(ops, crashOp{kind: "reset", step: step, acct: acct})
		}
	}
	return ops
}

// crashRun runs ops on a fresh database, restarting from it before each
// crash op when restarts is set, and returns how many restarts it made.
type crashRun struct {
	t        *testing.T
	ctx      context.Context
	pool     *pgxpool.Pool // nil: the "database" is the exported state, as JSON
	saved    []byte
	ids      []string
	ex       *exchange.Exchange
	rec      *exchange.Recorder
	now      time.Time
	restarts int
}

// newCrashRun returns a run on a fresh seeded database, or in memory.
func newCrashRun(t *testing.T, ctx context.Context, db bool) *crashRun {
	r := &crashRun{t: t, ctx: ctx, ids: []string{"m0", "m1", "m2"}}
	if db {
		pool, _ := testenv.Postgres(t)
		if _, err := postgres.Seed(ctx, pool, arena.DefaultRoster()[:3], arena.FixedInt(10_000)); err != nil {
			t.Fatal(err)
		}
		r.pool, r.ids = pool, nil
		rows, err := pool.Query(ctx, `SELECT "modelId" FROM "Accounts" ORDER BY "modelId"`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			_ = rows.Scan(&id)
			r.ids = append(r.ids, id)
		}
	}
	return r
}

// begin empties the database (or memory) and starts a fresh exchange.
func (r *crashRun) begin() {
	r.now, r.restarts, r.saved = time.Date(2026, 3, 1, 10, 58, 0, 0, time.UTC), 0, nil
	if r.pool != nil {
		_, err := r.pool.Exec(r.ctx, `TRUNCATE "Orders", "SimOrders", "LedgerEntries";
			UPDATE "Accounts" SET "cash" = "initialCapital", "realizedPnl" = 0, "feesPaid" = 0, "fundingPnl" = 0,
				"insuranceCredit" = 0, "epoch" = 0;
			UPDATE "SimulatorState" SET "batchSeq" = 0, "recordSeq" = 0, "clock" = NULL, "lastFunding" = NULL,
				"rng" = NULL, "rates" = NULL, "orderSeq" = 0`)
		if err != nil {
			r.t.Fatal(err)
		}
	}
	r.open(false)
}

// open starts an exchange: fresh, or restored from the database alone.
func (r *crashRun) open(restore bool) {
	r.rec = exchange.NewRecorder()
	cfg := crashConfig()
	cfg.Sink = r.rec
	ex, err := exchange.New(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	if restore {
		var st arena.ExchangeState
		var err error
		if r.pool != nil {
			st, err = postgres.LoadState(r.ctx, r.pool)
		} else {
			err = json.Unmarshal(r.saved, &st)
		}
		if err != nil {
			r.t.Fatal(err)
		}
		if err := ex.Restore(st); err != nil {
			r.t.Fatal(err)
		}
		r.restarts++
	} else {
		for _, id := range r.ids {
			if err := ex.OpenAccount(id); err != nil {
				r.t.Fatal(err)
			}
		}
	}
	r.ex = ex
}

// persist writes what the exchange emitted, in order, as the simulator does.
func (r *crashRun) persist() {
	if r.pool == nil {
		r.rec.Drain()
		saved, err := json.Marshal(r.ex.Export())
		if err != nil {
			r.t.Fatal(err)
		}
		r.saved = saved
		return
	}
	for _, b := range r.rec.Drain() {
		if _, err := postgres.WriteBatch(r.ctx, r.pool, &b); err != nil {
			r.t.Fatalf("write batch %d (after %d restarts): %v", b.Seq, r.restarts, err)
		}
	}
}

func (r *crashRun) apply(op crashOp, restarts bool) {
	r.now = r.now.Add(op.step)
	acct := r.ids[op.acct]
	switch op.kind {
	case "resync":
		if restarts && op.crash {
			r.open(true)
		}
		for _, u := range op.books {
			_ = r.ex.ApplyBook(r.now, u)
		}
	case "book":
		_ = r.ex.ApplyBook(r.now, op.books[0])
	case "trade":
		_ = r.ex.ApplyTrade(r.now, op.trade)
	case "stats":
		_ = r.ex.ApplyStats(r.now, op.stats)
	case "wait":
		r.ex.Advance(r.now)
	case "order":
		req := op.req
		req.AccountID = acct
		if !r.recorded(acct, req.OrderID) {
			_, _ = r.ex.SubmitOrder(r.now, req)
		}
	case "close":
		if !r.recorded(acct, op.id) {
			_, _ = r.ex.ClosePosition(r.now, acct, op.id, op.sym)
		}
	case "cancel":
		_, _ = r.ex.CancelOrder(r.now, acct, op.id)
	case "plan":
		_, _ = r.ex.UpdateExitPlan(r.now, acct, op.sym, op.plan)
	case "reset":
		_ = r.ex.ResetAccount(r.now, acct)
	}
	r.persist()
	for _, s := range r.ex.Snapshots() {
		if s.Cash != s.Capital+s.RealizedPnL-s.Fees+s.Funding+s.Insurance {
			r.t.Fatalf("after %s: account %s does not balance: %+v", op.kind, s.AccountID, s)
		}
	}
}

// recorded is the simulator's check before it submits: an id the exchange
// no longer remembers is answered from the database, not executed again.
func (r *crashRun) recorded(acct, id string) bool {
	if r.pool == nil {
		return false
	}
	if known, complete := r.ex.Remembers(acct, id); known || complete {
		return false
	}
	_, ok, err := postgres.FindOrder(r.ctx, r.pool, acct, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return ok
}

// rows returns the database's ledger as comparable text.
func (r *crashRun) rows() map[string][]string {
	out := map[string][]string{}
	if r.pool == nil {
		return out
	}
	for name, q := range map[string]string{
		"Accounts":      `SELECT "modelId" || ' ' || "cash" || ' ' || "realizedPnl" || ' ' || "feesPaid" || ' ' || "fundingPnl" || ' ' || "insuranceCredit" || ' ' || "epoch" FROM "Accounts" ORDER BY 1`,
		"Orders":        `SELECT "id" || ' ' || "status" || ' ' || "quantity" || ' ' || "entryPrice" || ' ' || "realizedPnl" || ' ' || "fees" || ' ' || "fundingPnl" || ' ' || COALESCE("closeTrigger"::text, '') || ' ' || "state"::text FROM "Orders" ORDER BY 1`,
		"SimOrders":     `SELECT "modelId" || ' ' || "id" || ' ' || "status" || ' ' || "filledQty" || ' ' || COALESCE("reason", '') || ' ' || "state"::text FROM "SimOrders" ORDER BY 1`,
		"LedgerEntries": `SELECT "seq" || ' ' || "modelId" || ' ' || "epoch" || ' ' || "kind" || ' ' || "amount" || ' ' || COALESCE("positionId", '') FROM "LedgerEntries" ORDER BY "seq", "kind"`,
	} {
		rows, err := r.pool.Query(r.ctx, q)
		if err != nil {
			r.t.Fatalf("%s: %v", name, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				r.t.Fatal(err)
			}
			out[name] = append(out[name], s)
		}
		rows.Close()
	}
	return out
}

// normalize renders v as JSON with the run's account ids (random per
// database) replaced by their rank.
func (r *crashRun) normalize(v any) []string {
	raw, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		r.t.Fatal(err)
	}
	s := string(raw)
	for i, id := range r.ids {
		s = strings.ReplaceAll(s, id, fmt.Sprintf("account-%d", i))
	}
	return strings.Split(s, "\n")
}

// kinds counts the ledger entries by kind.
func (r *crashRun) kinds() map[string]int {
	out := map[string]int{}
	if r.pool == nil {
		return out
	}
	rows, err := r.pool.Query(r.ctx, `SELECT "kind"::text, count(*) FROM "LedgerEntries" GROUP BY 1`)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		_ = rows.Scan(&k, &n)
		out[k] = n
	}
	return out
}

// TestCrashEquivalence runs the property on real PostgreSQL (two databases,
// reused across sequences).
func TestCrashEquivalence(t *testing.T) {
	sequences, length := 4, 250
	if *long {
		sequences, length = 60, 1500
	}
	crashEquivalence(t, true, sequences, length, 1000)
}

// TestCrashEquivalenceInMemory runs many more sequences with the exported
// state, through JSON, as the database: it checks that the exchange's
// restorable state is complete, the database path aside.
func TestCrashEquivalenceInMemory(t *testing.T) {
	sequences, length := 150, 100
	if *long {
		sequences, length = 5000, 200
	}
	crashEquivalence(t, false, sequences, length, 50_000)
}

func crashEquivalence(t *testing.T, db bool, sequences, length int, firstSeed uint64) {
	ctx := testenv.Context(t, 30*time.Minute)
	start := time.Now()
	var restarts, ops int
	kinds := map[string]int{}
	straight, restarted := newCrashRun(t, ctx, db), newCrashRun(t, ctx, db)
	for seq := range sequences {
		seed := firstSeed + uint64(seq)
		list := genCrashOps(seed, length, 3)
		straight.begin()
		restarted.begin()
		for _, op := range list {
			straight.apply(op, false)
			restarted.apply(op, true)
		}
		ops += len(list)
		restarts += restarted.restarts
		for kind, n := range straight.kinds() {
			kinds[kind] += n
		}
		a, b := straight.normalize(straight.ex.Export().Accounts), restarted.normalize(restarted.ex.Export().Accounts)
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("seed %d: accounts, positions or live orders differ after %d restarts (-straight +restarted):\n%s", seed, restarted.restarts, diff)
		}
		if diff := cmp.Diff(straight.normalize(straight.rows()), restarted.normalize(restarted.rows())); diff != "" {
			t.Fatalf("seed %d: database rows differ after %d restarts (-straight +restarted):\n%s", seed, restarted.restarts, diff)
		}
	}
	t.Logf("%d sequences, %d operations, %d restarts injected, in %s; ledger entries %v", sequences, ops, restarts,
		time.Since(start).Round(time.Millisecond), kinds)
	if db {
		for _, k := range []string{"FILL", "FUNDING", "RESET"} {
			if kinds[k] == 0 {
				t.Errorf("the generated sequences produced no %s entries: the property no longer covers them", k)
			}
		}
	}
}
