package exchange

import (
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

// hedgedWithRestingBid is an account long BTC and short ETH whose cash is negative
// (earlier losses) and carried by the short's open profit: healthy at the
// marks 29 000 and 2 000 (equity 7 000, maintenance 2 450), with a resting
// bid far below the market.
func hedgedWithRestingBid() arena.ExchangeState {
	return arena.ExchangeState{Time: t0, LastFunding: t0.Truncate(3600e9), Accounts: []arena.AccountState{{
		AccountID: "a", Capital: fx("10000"), Cash: fx("-2000"), RealizedPnL: fx("-12000"),
		Positions: []arena.Position{
			{ID: "long", AccountID: "a", Symbol: "BTC", Side: arena.Long, Quantity: fx("1"), EntryPrice: fx("30000"), Margin: fx("3000"), OpenedAt: t0},
			{ID: "short", AccountID: "a", Symbol: "ETH", Side: arena.Short, Quantity: fx("10"), EntryPrice: fx("3000"), Margin: fx("3000"), OpenedAt: t0},
		},
		Orders: []arena.Order{{OrderRequest: arena.OrderRequest{AccountID: "a", OrderID: "bid", Symbol: "BTC", Side: arena.Long,
			Type: arena.OrderLimit, Quantity: fx("0.01"), Price: fx("20000"), Leverage: fx("10")}, State: arena.OrderResting, Priority: 1}},
	}}}
}

// TestRestoreKeepsRestingOrdersOfAHealthyAccount: restoring, and then the markets' first books
// arriving one by one at unchanged prices, leave a healthy account exactly as
// it was. Risk acts only once every market the account holds is marked.
func TestRestoreKeepsRestingOrdersOfAHealthyAccount(t *testing.T) {
	h := newHarness(t, nil, "x") // a different account: "a" comes from the restore
	ex, err := New(h.ex.cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.ex = ex
	st := hedgedWithRestingBid()
	if err := ex.Restore(st); err != nil {
		t.Fatal(err)
	}
	if n := len(h.rec.Drain()); n != 0 {
		t.Fatalf("restore emitted %d batches", n)
	}
	before := ex.Export()
	h.now = t0
	h.snap("BTC", "28999:10", "29001:10") // ETH not marked yet: the picture is partial
	h.snap("ETH", "1999.99:100", "2000.01:100")
	for _, b := range h.rec.Batches() {
		if !b.Empty() {
			t.Fatalf("a healthy restored account changed: %+v", b)
		}
	}
	after := ex.Export()
	if len(after.Accounts[0].Positions) != 2 || len(after.Accounts[0].Orders) != 1 || after.Accounts[0].Cash != before.Accounts[0].Cash {
		t.Fatalf("account changed: %+v", after.Accounts[0])
	}
	// Once both are marked, risk works again: ETH rallying liquidates.
	h.snap("ETH", "2899.99:100", "2900.01:100")
	liquidated := false
	for _, b := range h.rec.Batches() {
		liquidated = liquidated || len(b.Liquidations) > 0
	}
	if !liquidated {
		t.Fatal("an account under maintenance with every market marked was not liquidated")
	}
}
