package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

// The worker is killed with SIGKILL in the middle of a burst of orders and
// restarted. Nothing acknowledged is lost, nothing executes twice (even
// when every order is sent again with the same id), and the ledger
// balances from the database alone.
func TestWorkerKilledMidBurst(t *testing.T) {
	s := StartStack(t, "TRADE_INTERVAL=24h")
	ctx := testenv.Context(t, 4*time.Minute)
	pool, err := postgres.Open(ctx, s.DBURL, postgres.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	rdb, err := redis.Open(testenv.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	cmds := commands.NewClient(rdb, commands.Queue(s.prefix))

	accounts := accountIDs(t, ctx, pool)
	rng := rand.New(rand.NewPCG(42, 7))
	var burst []commands.PlaceOrder
	for i := range 120 {
		sym := []arena.Symbol{"BTC", "ETH", "SOL"}[i%3]
		qty := map[arena.Symbol]string{"BTC": "0.002", "ETH": "0.05", "SOL": "0.5"}[sym]
		side := []arena.Side{arena.Long, arena.Short}[rng.IntN(2)]
		burst = append(burst, commands.PlaceOrder{AccountID: accounts[rng.IntN(len(accounts))], ClientOrderID: fmt.Sprintf("burst-%03d", i),
			Symbol: sym, Side: side, Type: arena.OrderMarket, Quantity: arena.MustFixed(qty), Leverage: arena.FixedInt(2),
			RequestedAt: time.Now(), ExpiresAt: time.Now().Add(10 * time.Minute)})
	}

	var mu sync.Mutex
	acked := map[string]commands.OrderResult{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	killed := make(chan struct{})
	var once sync.Once
	for _, o := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			// Sent while the worker is down, an order is queued but not
			// answered until the restart: give up waiting quickly (the
			// resend below asks again) instead of holding a slot 20 s.
			wait := 20 * time.Second
			select {
			case <-killed:
				wait = 2 * time.Second
			default:
			}
			octx, cancel := context.WithTimeout(ctx, wait)
			defer cancel()
			res, err := cmds.PlaceOrder(octx, o)
			if err == nil {
				mu.Lock()
				acked[o.ClientOrderID] = res
				n := len(acked)
				mu.Unlock()
				if n == 40 {
					once.Do(func() { s.Worker.kill(syscall.SIGKILL); close(killed) })
				}
			}
		}()
	}
	select {
	case <-killed:
	case <-ctx.Done():
		t.Fatal("burst never reached 40 acknowledged orders")
	}
	wg.Wait()
	t.Logf("%d of %d orders acknowledged before and around the kill", len(acked), len(burst))
	checkLedger(t, ctx, pool)

	s.Worker.start(t)
	waitHTTP(t, "http://"+s.adminAddr+"/health", 60*time.Second)
	checkLedger(t, ctx, pool)
	for id, res := range acked {
		var filled string
		if err := pool.QueryRow(ctx, `SELECT "filledQty"::text FROM "SimOrders" WHERE "id" = $1`, id).Scan(&filled); err != nil {
			t.Errorf("acknowledged order %s is not in the database: %v", id, err)
			continue
		}
		if arena.MustFixed(filled) != res.FilledQuantity {
			t.Errorf("order %s: acknowledged filled %s, database %s", id, res.FilledQuantity, filled)
		}
	}

	// Every order again, same ids: none trades twice. Orders that were in
	// flight at the kill are answered once asynq recovers their tasks.
	var rg sync.WaitGroup
	for _, o := range burst {
		rg.Add(1)
		go func() {
			defer rg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			octx, cancel := context.WithTimeout(ctx, 150*time.Second)
			defer cancel()
			res, err := cmds.PlaceOrder(octx, o)
			if err != nil {
				t.Errorf("resend %s: %v", o.ClientOrderID, err)
				return
			}
			mu.Lock()
			prev, ok := acked[o.ClientOrderID]
			mu.Unlock()
			if ok && prev.FilledQuantity != res.FilledQuantity {
				t.Errorf("resend %s: filled %s, first time %s", o.ClientOrderID, res.FilledQuantity, prev.FilledQuantity)
			}
		}()
	}
	rg.Wait()
	checkLedger(t, ctx, pool)
}

func accountIDs(t *testing.T, ctx context.Context, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT "modelId" FROM "Accounts" ORDER BY "modelId" LIMIT 6`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

// checkLedger verifies the books from the database alone: cash equals
// capital plus the journal, no order filled more than its quantity, and
// every open position equals the net of its account's fills in that symbol.
func checkLedger(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	t.Helper()
	var bad int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM "Accounts" a
		WHERE a."cash" - a."initialCapital" <> (SELECT COALESCE(SUM(l."amount"), 0) FROM "LedgerEntries" l
			WHERE l."modelId" = a."modelId" AND l."epoch" = a."epoch")`).Scan(&bad)
	if err != nil || bad != 0 {
		t.Errorf("%d accounts whose cash differs from capital plus journal (err %v)", bad, err)
	}
	err = pool.QueryRow(ctx, `SELECT count(*) FROM "SimOrders" o WHERE o."filledQty" > o."quantity" OR o."filledQty" <>
		(SELECT COALESCE(SUM(l."quantity"), 0) FROM "LedgerEntries" l WHERE l."kind" = 'FILL' AND l."modelId" = o."modelId" AND l."orderId" = o."id")`).Scan(&bad)
	if err != nil || bad != 0 {
		t.Errorf("%d orders whose fills disagree with their filled quantity (err %v)", bad, err)
	}
	err = pool.QueryRow(ctx, `WITH net AS (
			SELECT l."modelId", l."symbol", SUM(CASE o."side" WHEN 'LONG' THEN l."quantity" ELSE -l."quantity" END) AS q
			FROM "LedgerEntries" l JOIN "SimOrders" o ON o."modelId" = l."modelId" AND o."id" = l."orderId"
			WHERE l."kind" = 'FILL' GROUP BY 1, 2),
		pos AS (SELECT "modelId", "symbol", CASE "side" WHEN 'LONG' THEN "quantity" ELSE -"quantity" END AS q
			FROM "Orders" WHERE "status" = 'OPEN')
		SELECT count(*) FROM net FULL JOIN pos USING ("modelId", "symbol")
		WHERE COALESCE(net.q, 0) <> COALESCE(pos.q, 0)`).Scan(&bad)
	if err != nil || bad != 0 {
		t.Errorf("%d (account, symbol) pairs whose open position differs from the net of their fills (err %v)", bad, err)
	}
}
