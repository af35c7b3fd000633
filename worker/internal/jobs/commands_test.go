package jobs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
)

// The API's commands, sent with its client, executed by Jobs through a
// real asynq server against the simulator, answered with the result writer.
func TestCommandsRoundTrip(t *testing.T) {
	roster := arena.DefaultRoster()[:1]
	a := agenttest.NewArena(t, roster)
	h := run(t, a, nil, nil)
	ctx := testenv.Context(t, 60*time.Second)
	client := commands.NewClient(a.Redis, h.jobs.Queues().Commands)
	acct := a.Models[0].ID
	order := func(id string, side arena.Side, qty string) commands.PlaceOrder {
		return commands.PlaceOrder{AccountID: acct, ClientOrderID: id, Symbol: "BTC", Side: side, Type: arena.OrderMarket,
			Quantity: arena.MustFixed(qty), Leverage: arena.FixedInt(2), RequestedAt: time.Now(), ExpiresAt: time.Now().Add(20 * time.Second)}
	}

	open, err := client.PlaceOrder(ctx, order("buy-1", arena.Long, "0.01"))
	if err != nil {
		t.Fatal(err)
	}
	checkFills(t, open, arena.MustFixed("0.01"))
	if open.Status != arena.OrderFilled || open.RealizedPnL != 0 || open.Fees <= 0 || open.AveragePrice <= 0 {
		t.Fatalf("open: %+v", open)
	}
	// The same client order id answers with the first result and trades
	// nothing more.
	again, err := client.PlaceOrder(ctx, order("buy-1", arena.Long, "0.01"))
	if err != nil || again.FilledQuantity != open.FilledQuantity || again.AveragePrice != open.AveragePrice {
		t.Fatalf("repeat: %+v, %v", again, err)
	}
	if s, _ := a.Exchange.Snapshot(acct); len(s.Positions) != 1 || s.Positions[0].Quantity != arena.MustFixed("0.01") {
		t.Fatalf("positions after a repeated command: %+v", s.Positions)
	}

	closing, err := client.PlaceOrder(ctx, order("sell-1", arena.Short, "0.01"))
	if err != nil {
		t.Fatal(err)
	}
	checkFills(t, closing, arena.MustFixed("0.01"))
	var realized string
	if err := a.Pool.QueryRow(ctx, `SELECT "realizedPnl"::text FROM "Accounts" WHERE "modelId" = $1`, acct).Scan(&realized); err != nil {
		t.Fatal(err)
	}
	if closing.RealizedPnL != arena.MustFixed(realized) || closing.RealizedPnL == 0 {
		t.Fatalf("close realized %s, ledger %s", closing.RealizedPnL, realized)
	}

	// A well-formed order the exchange refuses is a REJECTED order.
	big, err := client.PlaceOrder(ctx, order("huge", arena.Long, "50"))
	if err != nil || big.Status != arena.OrderRejected || big.Reason == "" || big.FilledQuantity != 0 {
		t.Fatalf("oversized order: %+v, %v", big, err)
	}
	// An unknown account is a coded failure.
	bad := order("x-1", arena.Long, "0.01")
	bad.AccountID = "no-such-account"
	if _, err := client.PlaceOrder(ctx, bad); !clientFailure(err, "unknown account") {
		t.Fatalf("unknown account: %v", err)
	}

	if _, err := client.PlaceOrder(ctx, order("buy-2", arena.Long, "0.02")); err != nil {
		t.Fatal(err)
	}
	reset, err := client.ResetAccount(ctx, commands.ResetAccount{AccountID: acct, RequestID: "r-1", RequestedAt: time.Now(),
		ExpiresAt: time.Now().Add(20 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if reset.Capital != arena.FixedInt(10_000) || reset.Epoch != 1 || reset.ClosedPositions != 1 || reset.CancelledOrders != 0 || reset.ResetAt.IsZero() {
		t.Fatalf("reset %+v", reset)
	}
	var cash string
	if err := a.Pool.QueryRow(ctx, `SELECT "cash"::text FROM "Accounts" WHERE "modelId" = $1`, acct).Scan(&cash); err != nil || cash != "10000.00000000" {
		t.Fatalf("cash after reset %s (%v)", cash, err)
	}
	if _, err := client.ResetAccount(ctx, commands.ResetAccount{AccountID: "nobody", RequestID: "r-2", ExpiresAt: time.Now().Add(20 * time.Second)}); !clientFailure(err, "unknown account") {
		t.Fatalf("reset of an unknown account: %v", err)
	}
}

// clientFailure reports whether err is a coded refusal the caller is shown
// (the simulator's own code and message), not an internal failure.
func clientFailure(err error, msg string) bool {
	c := arena.ErrorCode(err)
	return err != nil && c != arena.CodeInternal && c != arena.CodeTimeout && strings.Contains(arena.ErrorMessage(err), msg)
}

// checkFills verifies that the fills add up to the order.
func checkFills(t *testing.T, o commands.OrderResult, qty arena.Fixed) {
	t.Helper()
	var q, fees, notional arena.Fixed
	for _, f := range o.Fills {
		q += f.Quantity
		fees += f.Fee
		notional += f.Price.Mul(f.Quantity)
		if f.Liquidity != arena.Taker || f.Time.IsZero() {
			t.Errorf("fill %+v", f)
		}
	}
	if len(o.Fills) == 0 || q != qty || q != o.FilledQuantity || fees != o.Fees {
		t.Fatalf("fills %+v of order %+v", o.Fills, o)
	}
	if avg := notional.Div(q); (avg - o.AveragePrice).Abs() > 1 {
		t.Fatalf("fills average %s, order %s", avg, o.AveragePrice)
	}
}
