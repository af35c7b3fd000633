package simulator_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
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
// jumps across hour boundaries, with positions large enough for gaps to
// liquidate them. The sequence runs twice: once straight through, once with
// every batch written to a real PostgreSQL database exactly as the
// simulator does (in order, in group commits: before a restart, before an
// order id the exchange forgot is looked up, and at the end) and the
// exchange thrown away and restored from the database alone at random
// points (with resting and pending orders, mid-hour, after liquidations,
// and with the worker down across an hour boundary). A restart is followed
// by the feed's resynchronisation (a snapshot of every book, applied as one
// step), which the straight run receives at the same instant too.
//
// The two runs must emit the same batches, record for record (so the
// restarted run's database holds exactly what the straight run's would:
// the writes are deterministic and exactly once), and end with the same
// accounts, positions and live orders; the database must restore to that
// final state once more; every account must balance after every step of
// both; and the journal must add up to each account's cash. The straight
// run keeps its batches in memory: writing them to a second database would
// double the time and check nothing more.

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
	// Books go stale as in production (after a longer silence than the
	// operations' steps): a worker down for longer than that finds them
	// stale in the straight run too, as they are gone after a restart.
	c.TakerLatency, c.MakerLatency, c.StaleAfter = 150*time.Millisecond, 80*time.Millisecond, 10*time.Second
	c.SlippageBps = arena.FixedInt(3)
	c.IdempotencyWindow = 4 // small, so that even short sequences need the database to answer resends
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
			size := max(arena.FixedInt(int64(2_000+rng.IntN(38_000))).Div(mid).FloorTo(m.LotSize), m.LotSize) // 2k-40k USDT
			u.Bids = append(u.Bids, arena.Level{Price: mid - m.TickSize.MulInt(int64(i*3+1)), Size: size})
			u.Asks = append(u.Asks, arena.Level{Price: mid + m.TickSize.MulInt(int64(i*3+1)), Size: size})
		}
		return u
	}
	// size is an order quantity worth up to 15× the starting capital, so
	// that leverage, gaps and liquidations come into play.
	size := func(m arena.Market) arena.Fixed {
		notional := arena.FixedInt(int64(50 + rng.IntN(150_000)))
		return max(notional.Div(mids[m.Symbol]).FloorTo(m.LotSize), m.MinSize)
	}
	resync := func(crash bool) crashOp {
		op := crashOp{kind: "resync", crash: crash}
		if crash && rng.IntN(3) == 0 { // the worker is down for a while, sometimes across an hour boundary
			op.step = time.Duration(12+rng.IntN(80)) * time.Second
			if rng.IntN(3) == 0 {
				op.step = time.Duration(1+rng.IntN(25)) * time.Minute
			}
		}
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
		case r < 7: // a restart (in the second run) and the feed's resync
			ops = append(ops, resync(true))
			continue
		case r < 22:
			move := arena.Fixed(rng.Int64N(200_001) - 100_000) // ±0.1%
			if rng.IntN(4) == 0 {
				move = arena.Fixed(rng.Int64N(30_000_001) - 15_000_000) // a gap of up to ±15%
			}
			mids[m.Symbol] += mids[m.Symbol].Mul(move)
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
			if len(ids) > 0 && rng.IntN(5) == 0 {
				id = ids[rng.IntN(len(ids))] // a resend of an earlier id
			}
			ids = append(ids, id)
			req := arena.OrderRequest{OrderID: id, Symbol: m.Symbol, Side: arena.Long, Type: arena.OrderMarket,
				Quantity: size(m), Leverage: arena.FixedInt(int64(1 + rng.IntN(20)))}
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

// crashRun runs ops on a database (emptied before each sequence),
// restarting from it before each crash op when restarts is set.
type crashRun struct {
	t       testing.TB
	ctx     context.Context
	pool    *pgxpool.Pool // nil: the "database" is the exported state, as JSON
	ids     []string
	pending []arena.Batch   // emitted, not yet written
	batches []arena.Batch   // everything emitted in this sequence
	used    map[string]bool // account and client order id of every order emitted (the run in memory's "SimOrders")
	ex      *exchange.Exchange
	rec     *exchange.Recorder
	now     time.Time
	tally   crashTally
	liqSeen bool // a liquidation since the last restart
}

// crashTally counts what a run did, so that the test can show the
// property still covers what it claims to.
type crashTally struct {
	sequences, ops, batches, restarts    int
	restartsResting, restartsPending     int
	restartsAfterLiquidation, acrossHour int
	liquidations, insurance              int
	funding, resets                      int
	resendsFromLedger                    int // ids the exchange forgot, answered from the database
}

func (c *crashTally) add(o crashTally) {
	c.sequences, c.ops, c.batches, c.restarts = c.sequences+o.sequences, c.ops+o.ops, c.batches+o.batches, c.restarts+o.restarts
	c.restartsResting, c.restartsPending = c.restartsResting+o.restartsResting, c.restartsPending+o.restartsPending
	c.restartsAfterLiquidation, c.acrossHour = c.restartsAfterLiquidation+o.restartsAfterLiquidation, c.acrossHour+o.acrossHour
	c.liquidations, c.insurance = c.liquidations+o.liquidations, c.insurance+o.insurance
	c.funding, c.resets = c.funding+o.funding, c.resets+o.resets
	c.resendsFromLedger += o.resendsFromLedger
}

// newCrashRun returns a run on a fresh seeded database, or in memory.
func newCrashRun(t testing.TB, ctx context.Context, db bool) *crashRun {
	r := &crashRun{t: t, ctx: ctx, ids: []string{"m0", "m1", "m2"}}
	if db {
		pool, _ := testenv.Postgres(t)
		// A throwaway database need not wait for its WAL to reach the disk.
		if _, err := pool.Exec(ctx, `DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', current_database()); END$$`); err != nil {
			t.Fatal(err)
		}
		pool.Reset()
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
	r.now, r.pending, r.batches, r.liqSeen = time.Date(2026, 3, 1, 10, 58, 0, 0, time.UTC), nil, nil, false
	r.used = map[string]bool{}
	if r.pool != nil {
		// DELETE, not TRUNCATE: on tables this small it is a hundred times
		// cheaper (no new files, no checkpoint of the old ones). Without
		// the triggers that keep the read models (activity buckets), which
		// the property does not read.
		_, err := r.pool.Exec(r.ctx, `BEGIN; SET LOCAL session_replication_role = replica;
			DELETE FROM "Orders"; DELETE FROM "SimOrders"; DELETE FROM "LedgerEntries";
			UPDATE "Accounts" SET "cash" = "initialCapital", "realizedPnl" = 0, "feesPaid" = 0, "fundingPnl" = 0,
				"insuranceCredit" = 0, "epoch" = 0;
			UPDATE "SimulatorState" SET "batchSeq" = 0, "recordSeq" = 0, "clock" = NULL, "lastFunding" = NULL,
				"rng" = NULL, "rates" = NULL, "orderSeq" = 0; COMMIT`)
		if err != nil {
			r.t.Fatal(err)
		}
	}
	r.open(nil)
}

// open starts an exchange: fresh, or restored from st.
func (r *crashRun) open(st *arena.ExchangeState) {
	r.rec = exchange.NewRecorder()
	cfg := crashConfig()
	cfg.Sink = r.rec
	ex, err := exchange.New(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	r.ex = ex
	if st != nil {
		if err := ex.Restore(*st); err != nil {
			r.t.Fatal(err)
		}
		return
	}
	for _, id := range r.ids {
		if err := ex.OpenAccount(id); err != nil {
			r.t.Fatal(err)
		}
	}
}

// restart throws the exchange away and restores it from the database
// alone (in memory: from its exported state, through JSON).
func (r *crashRun) restart(prev time.Time) {
	old := r.ex.Export()
	for _, a := range old.Accounts {
		for _, o := range a.Orders {
			switch o.State {
			case arena.OrderResting:
				r.tally.restartsResting++
			case arena.OrderPending:
				r.tally.restartsPending++
			}
		}
	}
	if r.liqSeen {
		r.tally.restartsAfterLiquidation++
	}
	if !prev.Truncate(time.Hour).Equal(r.now.Truncate(time.Hour)) {
		r.tally.acrossHour++
	}
	r.tally.restarts++
	r.liqSeen = false
	r.flush()
	var st arena.ExchangeState
	if r.pool != nil {
		var err error
		if st, err = postgres.LoadState(r.ctx, r.pool); err != nil {
			r.t.Fatal(err)
		}
	} else {
		raw, err := json.Marshal(old)
		if err != nil {
			r.t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &st); err != nil {
			r.t.Fatal(err)
		}
	}
	r.open(&st)
}

// persist queues what the exchange emitted, in order, for the next write.
func (r *crashRun) persist() {
	for _, b := range r.rec.Drain() {
		r.batches = append(r.batches, b)
		for _, o := range b.Orders {
			r.used[o.AccountID+"\x00"+o.OrderID] = true
		}
		r.tally.batches++
		r.tally.liquidations += len(b.Liquidations)
		r.tally.insurance += len(b.Insurance)
		r.tally.funding += len(b.Funding)
		r.tally.resets += len(b.Resets)
		r.liqSeen = r.liqSeen || len(b.Liquidations) > 0
		if r.pool != nil {
			r.pending = append(r.pending, b)
		}
	}
}

// flush writes the queued batches in one transaction, as the simulator's
// persister does with its outbox.
func (r *crashRun) flush() {
	if len(r.pending) == 0 {
		return
	}
	n, err := postgres.WriteBatches(r.ctx, r.pool, r.pending)
	if err != nil || n != len(r.pending) {
		r.t.Fatalf("write batches %d-%d (after %d restarts): %d applied, %v", r.pending[0].Seq,
			r.pending[len(r.pending)-1].Seq, r.tally.restarts, n, err)
	}
	r.pending = r.pending[:0]
}

func (r *crashRun) apply(op crashOp, restarts bool) {
	prev := r.now
	r.now = r.now.Add(op.step)
	acct := r.ids[op.acct]
	switch op.kind {
	case "resync":
		if op.crash {
			// The simulator's clock ticks every 50 ms: what fell due before
			// the worker stops has executed (in both runs). A worker down for
			// a while stops once the orders in flight have reached the
			// engine too: an order due while it is down would meet the old
			// book in one run and wait for the new one in the other.
			r.ex.Advance(prev)
			if op.step > 0 {
				// Down for a while: the feed fell silent first, for longer than
				// books stay fresh, so nothing during the downtime (funding at
				// an hour boundary, say) trades on an old book in one run that
				// the other does not have.
				r.ex.Advance(prev.Add(crashConfig().StaleAfter + time.Second))
			}
			r.persist()
		}
		if restarts && op.crash {
			r.restart(prev)
		}
		_ = r.ex.ApplyBooks(r.now, op.books)
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
// no longer remembers is answered from the database (once everything
// emitted is written), not executed again; a run in memory answers from
// the orders it emitted.
func (r *crashRun) recorded(acct, id string) bool {
	if known, complete := r.ex.Remembers(acct, id); known || complete {
		return false
	}
	ok := r.used[acct+"\x00"+id]
	if r.pool != nil {
		r.flush()
		var err error
		if _, ok, err = postgres.FindOrder(r.ctx, r.pool, acct, id); err != nil {
			r.t.Fatal(err)
		}
	}
	if ok {
		r.tally.resendsFromLedger++
	}
	return ok
}

// checkDatabase writes what is queued and checks the database against
// the exchange: each account's totals and journal (Σ entries of the current
// epoch = cash − capital), and a restore from it alone that must export
// exactly the exchange's state.
func (r *crashRun) checkDatabase(seed uint64) {
	if r.pool == nil {
		return
	}
	r.flush()
	want := map[string]string{}
	for _, a := range r.ex.Export().Accounts {
		want[a.AccountID] = fmt.Sprintf("%s %s %s %s %s", a.Cash, a.RealizedPnL, a.Fees, a.Funding, a.Insurance)
	}
	rows, err := r.pool.Query(r.ctx, `SELECT "modelId", "cash"::text, "realizedPnl"::text, "feesPaid"::text, "fundingPnl"::text,
		"insuranceCredit"::text, "cash" - "initialCapital" = (SELECT COALESCE(sum("amount"), 0) FROM "LedgerEntries" l
			WHERE l."modelId" = a."modelId" AND l."epoch" = a."epoch") FROM "Accounts" a`)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var v [5]string
		var journaled bool
		if err := rows.Scan(&id, &v[0], &v[1], &v[2], &v[3], &v[4], &journaled); err != nil {
			r.t.Fatal(err)
		}
		var f [5]arena.Fixed
		for i := range v {
			f[i] = arena.MustFixed(v[i])
		}
		if got := fmt.Sprintf("%s %s %s %s %s", f[0], f[1], f[2], f[3], f[4]); got != want[id] || !journaled {
			r.t.Fatalf("seed %d: account %s in the database: %s (journal adds up: %v); the exchange: %s", seed, id, got, journaled, want[id])
		}
	}
	if err := rows.Err(); err != nil {
		r.t.Fatal(err)
	}
	st, err := postgres.LoadState(r.ctx, r.pool)
	if err != nil {
		r.t.Fatal(err)
	}
	cfg := crashConfig()
	again, err := exchange.New(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := again.Restore(st); err != nil {
		r.t.Fatal(err)
	}
	// The clock is the last batch's: a later tick that recorded nothing is
	// not persisted, and need not be.
	now, restored := r.ex.Export(), again.Export()
	now.Time, now.LastFunding, restored.Time, restored.LastFunding = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !sameJSON(r.t, now, restored) {
		r.t.Fatalf("seed %d: the database restores to another state (-exchange +restored):\n%s", seed,
			cmp.Diff(r.normalize(now), r.normalize(restored)))
	}
}

// sameJSON reports whether a and b are equal, or at least encode to the
// same JSON (a restored state may hold an empty slice where the original
// has none); DeepEqual first, as it is much cheaper.
func sameJSON(t testing.TB, a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(x) == string(y)
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

// TestCrashEquivalence runs the property on real PostgreSQL: two workers,
// each with a database pair reused across sequences.
func TestCrashEquivalence(t *testing.T) {
	sequences, length := 1000, 30
	if *long {
		sequences, length = 10_000, 60
	}
	crashEquivalence(t, true, sequences, length, 1000)
}

// TestCrashEquivalenceInMemory runs longer sequences with the exported
// state, through JSON, as the database: it checks that the exchange's
// restorable state is complete, the database path aside.
func TestCrashEquivalenceInMemory(t *testing.T) {
	sequences, length := 50, 200
	if *long {
		sequences, length = 2000, 500
	}
	crashEquivalence(t, false, sequences, length, 50_000)
}

// crashWorkers share the sequences: the PostgreSQL variant waits on the
// database most of the time, so two pairs of databases keep both cores busy.
const crashWorkers = 2

func crashEquivalence(t *testing.T, db bool, sequences, length int, firstSeed uint64) {
	ctx := testenv.Context(t, 60*time.Minute)
	start := time.Now()
	var mu sync.Mutex
	var total crashTally
	var next atomic.Uint64
	t.Run("workers", func(t *testing.T) {
		for w := range crashWorkers {
			t.Run(fmt.Sprint(w), func(t *testing.T) {
				t.Parallel()
				restarted := newCrashRun(t, ctx, db)
				straight := &crashRun{t: t, ctx: ctx, ids: restarted.ids}
				for {
					i := next.Add(1) - 1
					if i >= uint64(sequences) {
						break
					}
					crashSequence(t, straight, restarted, firstSeed+i, length)
				}
				mu.Lock()
				total.add(restarted.tally)
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	t.Logf("%d sequences of %d operations, %d batches, %d restarts injected (%d with resting orders, %d with pending orders, "+
		"%d after a liquidation, %d across an hour boundary), %d liquidations, %d insurance credits, %d funding payments, %d resets, "+
		"%d resends of forgotten ids answered from the ledger, in %s",
		total.sequences, length, total.batches, total.restarts, total.restartsResting, total.restartsPending,
		total.restartsAfterLiquidation, total.acrossHour, total.liquidations, total.insurance, total.funding, total.resets,
		total.resendsFromLedger, time.Since(start).Round(time.Millisecond))
	for what, n := range map[string]int{"restarts": total.restarts, "restarts with resting orders": total.restartsResting,
		"restarts with pending orders": total.restartsPending, "restarts after a liquidation": total.restartsAfterLiquidation,
		"restarts across an hour boundary": total.acrossHour, "liquidations": total.liquidations,
		"funding payments": total.funding, "resets": total.resets, "resends answered from the ledger": total.resendsFromLedger} {
		if n == 0 {
			t.Errorf("the generated sequences produced no %s: the property no longer covers them", what)
		}
	}
}

// crashSequence runs one seeded sequence straight and with restarts and
// compares where the two end.
func crashSequence(t *testing.T, straight, restarted *crashRun, seed uint64, length int) {
	list := genCrashOps(seed, length, 3)
	straight.begin()
	restarted.begin()
	restarts := restarted.tally.restarts
	for _, op := range list {
		straight.apply(op, false)
		restarted.apply(op, true)
	}
	restarted.tally.sequences++
	restarted.tally.ops += len(list)
	// Both runs use the same account ids: equal values are equal state, and
	// only a difference is worth a diff.
	if !sameJSON(t, straight.batches, restarted.batches) {
		t.Fatalf("seed %d: the runs emitted different records after %d restarts (-straight +restarted):\n%s", seed,
			restarted.tally.restarts-restarts, cmp.Diff(straight.normalize(straight.batches), restarted.normalize(restarted.batches)))
	}
	if a, b := straight.ex.Export(), restarted.ex.Export(); !sameJSON(t, a, b) {
		t.Fatalf("seed %d: accounts, positions or live orders differ after %d restarts (-straight +restarted):\n%s", seed,
			restarted.tally.restarts-restarts, cmp.Diff(straight.normalize(a), restarted.normalize(b)))
	}
	restarted.checkDatabase(seed)
}
