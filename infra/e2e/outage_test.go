package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

// answer is what a client finally heard about one order.
type answer struct {
	status string      // the order's status; "expired" for a CONFLICT (final: not executed)
	filled arena.Fixed // its filled quantity
	tries  int
	err    error // a definite answer that must not come (500, 4xx other than 409)
}

// placeAsTold sends an order through the gateway and keeps sending it
// under the same client order id while the answer says so (TIMEOUT,
// SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS, a gateway without its upstream,
// a refused connection), until a final answer.
func placeAsTold(ctx context.Context, s *Stack, in map[string]any) answer {
	body, _ := json.Marshal(map[string]any{"json": in})
	client := &http.Client{Timeout: 30 * time.Second}
	var a answer
	for ctx.Err() == nil {
		a.tries++
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/api/rpc/simulator/placeOrder", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+s.AdminToken)
		resp, err := client.Do(req)
		if err != nil {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			var out struct {
				JSON struct {
					Order struct {
						Status        string      `json:"status"`
						TotalQuantity arena.Fixed `json:"totalQuantity"`
					} `json:"order"`
				} `json:"json"`
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				a.err = fmt.Errorf("unreadable answer %s", raw)
				return a
			}
			a.status, a.filled = out.JSON.Order.Status, out.JSON.Order.TotalQuantity
			return a
		case http.StatusConflict:
			a.status = "expired"
			return a
		case http.StatusRequestTimeout, http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusBadGateway:
			time.Sleep(200 * time.Millisecond)
		default:
			a.err = fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
			return a
		}
	}
	a.err = fmt.Errorf("no final answer after %d tries: %w", a.tries, ctx.Err())
	return a
}

// Redis (losing everything), PostgreSQL and the worker are each restarted
// during a burst of orders sent through the gateway by clients that retry
// as they are told. Every order ends with a final answer that matches what
// the ledger holds: a fill the ledger has at that quantity, a refusal or an
// expiry the ledger never executed; no order executes twice, and the books
// balance. Redis and PostgreSQL are private instances of this test.
func TestOrdersThroughOutages(t *testing.T) {
	rds, pg := startPrivateRedis(t), startPrivatePostgres(t)
	prefix := testenv.UniqueName("outage:") + ":"
	s := startStackOn(t, pg.URL(), rds.URL(), prefix, "TRADE_INTERVAL=24h", "COMMAND_TIMEOUT=3s")
	ctx := testenv.Context(t, 3*time.Minute)
	pool, err := postgres.Open(ctx, pg.URL(), postgres.Options{MaxConns: 2, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	accounts := accountIDs(t, ctx, pool)

	var mu sync.Mutex
	answers := map[string]answer{}
	orders := map[string]map[string]any{}
	burst := func(name string, n int, outage func()) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 6)
		for i := range n {
			id := fmt.Sprintf("%s-%03d", name, i)
			in := map[string]any{"accountId": accounts[i%len(accounts)], "symbol": []string{"BTC", "ETH", "SOL"}[i%3],
				"side": []string{"long", "short"}[i%2], "quantity": json.Number([]string{"0.002", "0.05", "0.5"}[i%3]), "clientOrderId": id}
			orders[id] = in
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				a := placeAsTold(ctx, s, in)
				mu.Lock()
				answers[id] = a
				mu.Unlock()
			}()
			if i == n/3 {
				outage()
			}
		}
		wg.Wait()
	}
	// The market is live once an order fills.
	if err := retry(ctx, func() error {
		if a := placeAsTold(ctx, s, map[string]any{"accountId": accounts[0], "symbol": "BTC", "side": "long",
			"quantity": json.Number("0.001"), "clientOrderId": "warm-up"}); a.status != "filled" {
			return fmt.Errorf("warm-up: %+v", a)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	burst("redis", 24, func() { rds.restart(t) })
	burst("postgres", 24, func() { pg.restart(t) })
	burst("worker", 24, func() { s.Worker.kill(syscall.SIGKILL); s.Worker.start(t) })

	// Every client sends its order once more, as a client that lost the
	// answer would: the same answer, nothing executes again.
	for id, in := range orders {
		again := placeAsTold(ctx, s, in)
		if first := answers[id]; again.status != first.status || again.filled != first.filled {
			t.Errorf("order %s answered %s/%s, then %s/%s", id, first.status, first.filled, again.status, again.filled)
		}
	}
	for id, a := range answers {
		if a.err != nil {
			t.Errorf("order %s: %v", id, a.err)
			continue
		}
		var filled string
		err := pool.QueryRow(ctx, `SELECT "filledQty"::text FROM "SimOrders" WHERE "id" = $1`, id).Scan(&filled)
		switch {
		case a.status == "expired" && err == nil:
			t.Errorf("order %s answered expired (not executed) but the ledger has it (filled %s)", id, filled)
		case a.status == "expired":
		case err != nil && a.filled != 0:
			t.Errorf("order %s answered %s %s but is not in the ledger: %v", id, a.status, a.filled, err)
		case err == nil && arena.MustFixed(filled) != a.filled:
			t.Errorf("order %s answered filled %s, the ledger holds %s", id, a.filled, filled)
		}
	}
	checkLedger(t, ctx, pool)
	count := map[string]int{}
	for _, a := range answers {
		count[a.status]++
	}
	t.Logf("answers by status: %v", count)
}
