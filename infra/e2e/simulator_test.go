package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/testenv"
)

type level struct {
	Price    float64 `json:"price"`
	Quantity float64 `json:"quantity"`
}

type accountSnapshot struct {
	CashBalance float64           `json:"cashBalance"`
	Equity      float64           `json:"equity"`
	Positions   []json.RawMessage `json:"positions"`
}

// The reference's simulator procedures against the real worker: the venue
// book the worker's ticker stores, the account wrapped in {account}, a
// round trip listed by both completed-trade procedures, and a reset that
// answers with the fresh account.
func TestSimulatorProceduresOnTheRealWorker(t *testing.T) {
	s := StartStack(t)
	ctx := testenv.Context(t, 2*time.Minute)

	var book struct {
		OrderBook struct {
			Symbol    string  `json:"symbol"`
			Bids      []level `json:"bids"`
			Asks      []level `json:"asks"`
			Timestamp string  `json:"timestamp"`
		} `json:"orderBook"`
	}
	err := retry(ctx, func() error {
		if err := s.call(ctx, "simulator/getOrderBook", map[string]any{"symbol": "btc"}, &book, ""); err != nil {
			return err
		}
		if len(book.OrderBook.Bids) == 0 || len(book.OrderBook.Asks) == 0 {
			return fmt.Errorf("one-sided book %+v", book.OrderBook)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b := book.OrderBook
	if b.Symbol != "BTC" || b.Bids[0].Price >= b.Asks[0].Price || len(b.Bids) > 50 || len(b.Asks) > 50 {
		t.Fatalf("book: %+v", b)
	}
	for i := 1; i < len(b.Bids); i++ {
		if b.Bids[i].Price >= b.Bids[i-1].Price {
			t.Fatalf("bids not best first: %+v", b.Bids)
		}
	}
	if at, err := time.Parse(time.RFC3339Nano, b.Timestamp); err != nil || time.Since(at) > time.Minute {
		t.Fatalf("book timestamp %q: %v", b.Timestamp, err)
	}

	model := s.firstModel(t, ctx)
	trade := s.roundTrip(t, ctx, model, "BTC", "0.01")
	var fromDB struct {
		Trades []struct {
			ID        string  `json:"id"`
			Direction string  `json:"direction"`
			Notional  float64 `json:"notional"`
		} `json:"trades"`
		Stats struct {
			TradeCount int `json:"tradeCount"`
		} `json:"stats"`
	}
	if err := s.call(ctx, "simulator/getCompletedTradesFromDB", map[string]any{"modelId": model}, &fromDB, ""); err != nil {
		t.Fatal(err)
	}
	if fromDB.Stats.TradeCount != len(fromDB.Trades) || !slices.ContainsFunc(fromDB.Trades, func(x struct {
		ID        string  `json:"id"`
		Direction string  `json:"direction"`
		Notional  float64 `json:"notional"`
	}) bool {
		return x.ID == trade && x.Direction == "LONG" && x.Notional > 0
	}) {
		t.Fatalf("getCompletedTradesFromDB lacks trade %s: %+v", trade, fromDB)
	}
	var completed struct {
		Trades []struct {
			ID string `json:"id"`
		} `json:"trades"`
	}
	if err := s.call(ctx, "simulator/getCompletedTrades", map[string]any{"accountId": model}, &completed, ""); err != nil ||
		len(completed.Trades) == 0 || completed.Trades[0].ID != trade {
		t.Fatalf("getCompletedTrades: %+v %v, want %s first", completed, err, trade)
	}

	var acct struct {
		Account accountSnapshot `json:"account"`
	}
	if err := s.call(ctx, "simulator/getAccount", map[string]any{"accountId": model}, &acct, ""); err != nil || acct.Account.Equity <= 0 {
		t.Fatalf("getAccount: %+v %v", acct, err)
	}
	in := map[string]any{"accountId": model, "symbol": "ETH", "quantity": json.Number("0.1"), "side": "long"}
	if err := s.call(ctx, "simulator/placeOrder", in, nil, s.AdminToken); err != nil {
		t.Fatal(err)
	}
	var reset struct {
		Account accountSnapshot `json:"account"`
		Success bool            `json:"success"`
	}
	if err := s.call(ctx, "simulator/resetAccount", map[string]any{"accountId": model}, &reset, s.AdminToken); err != nil {
		t.Fatal(err)
	}
	if !reset.Success || reset.Account.CashBalance != 10000 || reset.Account.Equity != 10000 || len(reset.Account.Positions) != 0 {
		t.Fatalf("resetAccount answered %+v, want the fresh account", reset)
	}
}
