package exchange

import (
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// The test markets use round numbers so expected values can be worked out
// by hand: 10x max leverage, 5% maintenance, 1 bps maker, 5 bps taker, 50
// bps liquidation fee.
func testMarkets() []arena.Market {
	mk := func(sym arena.Symbol, tick, lot string) arena.Market {
		return arena.Market{
			Symbol: sym, TickSize: fx(tick), LotSize: fx(lot), MinSize: fx(lot),
			InitialMarginFraction: fx("0.1"), MaintenanceMarginFraction: fx("0.05"),
			MakerFeeBps: fx("1"), TakerFeeBps: fx("5"), LiquidationFeeBps: fx("50"),
		}
	}
	return []arena.Market{mk("BTC", "0.1", "0.001"), mk("ETH", "0.01", "0.01")}
}

var t0 = time.Date(2025, 3, 1, 12, 0, 10, 0, time.UTC)

func fx(s string) arena.Fixed { return arena.MustFixed(s) }

// harness drives an exchange with a test clock and records every batch.
type harness struct {
	t   testing.TB
	ex  *Exchange
	rec *Recorder
	now time.Time
}

func newHarness(t testing.TB, mod func(*Config), accounts ...string) *harness {
	t.Helper()
	rec := NewRecorder()
	cfg := Config{
		Markets: testMarkets(), StartingCapital: arena.FixedInt(10_000),
		StaleAfter: 5 * time.Second, IdempotencyWindow: 64, Seed: 7, Sink: rec,
	}
	if mod != nil {
		mod(&cfg)
	}
	ex, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) == 0 {
		accounts = []string{"a"}
	}
	for _, id := range accounts {
		if err := ex.OpenAccount(id); err != nil {
			t.Fatal(err)
		}
	}
	return &harness{t: t, ex: ex, rec: rec, now: t0}
}

// step moves the test clock forward.
func (h *harness) step(d time.Duration) time.Time {
	h.now = h.now.Add(d)
	return h.now
}

// levels parses "100:1, 99.5:2" into levels.
func levels(spec string) []arena.Level {
	var out []arena.Level
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, s, _ := strings.Cut(part, ":")
		out = append(out, arena.Level{Price: fx(p), Size: fx(s)})
	}
	return out
}

func (h *harness) snap(sym arena.Symbol, bids, asks string) {
	h.t.Helper()
	u := arena.BookUpdate{Symbol: sym, Snapshot: true, Bids: levels(bids), Asks: levels(asks)}
	if err := h.ex.ApplyBook(h.step(time.Millisecond), u); err != nil {
		h.t.Fatalf("snapshot: %v", err)
	}
}

func (h *harness) delta(sym arena.Symbol, bids, asks string) {
	h.t.Helper()
	u := arena.BookUpdate{Symbol: sym, Bids: levels(bids), Asks: levels(asks)}
	if err := h.ex.ApplyBook(h.step(time.Millisecond), u); err != nil {
		h.t.Fatalf("delta: %v", err)
	}
}

func (h *harness) trade(sym arena.Symbol, price, size string, takerBuy bool) {
	h.t.Helper()
	tp := arena.TradePrint{Symbol: sym, Price: fx(price), Size: fx(size), TakerBuy: takerBuy}
	if err := h.ex.ApplyTrade(h.step(time.Millisecond), tp); err != nil {
		h.t.Fatalf("trade: %v", err)
	}
}

func (h *harness) submit(r arena.OrderRequest) (arena.Order, error) {
	if r.AccountID == "" {
		r.AccountID = "a"
	}
	if r.Symbol == "" {
		r.Symbol = "BTC"
	}
	return h.ex.SubmitOrder(h.step(time.Millisecond), r)
}

// mustSubmit submits and fails the test on any error.
func (h *harness) mustSubmit(r arena.OrderRequest) arena.Order {
	h.t.Helper()
	o, err := h.submit(r)
	if err != nil {
		h.t.Fatalf("submit %s: %v", r.OrderID, err)
	}
	return o
}

func mkt(id string, side arena.Side, qty string) arena.OrderRequest {
	return arena.OrderRequest{OrderID: id, Side: side, Type: arena.OrderMarket, Quantity: fx(qty), Leverage: fx("10")}
}

func lmt(id string, side arena.Side, qty, price string, tif arena.TimeInForce) arena.OrderRequest {
	return arena.OrderRequest{OrderID: id, Side: side, Type: arena.OrderLimit, TimeInForce: tif,
		Quantity: fx(qty), Price: fx(price), Leverage: fx("10")}
}

func (h *harness) snapshot(acct string) arena.AccountSnapshot {
	h.t.Helper()
	s, err := h.ex.Snapshot(acct)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) position(acct string, sym arena.Symbol) (arena.PositionSnapshot, bool) {
	for _, p := range h.snapshot(acct).Positions {
		if p.Symbol == sym {
			return p, true
		}
	}
	return arena.PositionSnapshot{}, false
}

// fills returns every recorded fill, optionally only those of one order.
func (h *harness) fills(orderID string) []arena.Fill {
	var out []arena.Fill
	for _, b := range h.rec.Batches() {
		for _, f := range b.Fills {
			if orderID == "" || f.OrderID == orderID {
				out = append(out, f)
			}
		}
	}
	return out
}

// positions returns every recorded position version of one position id.
// positions returns every recorded version of the positions that order id
// (of account "a", or naming its position id) opened.
func (h *harness) positions(id string) []arena.Position {
	var out []arena.Position
	for _, b := range h.rec.Batches() {
		for _, p := range b.Positions {
			if posOf(p.ID) == id || posOf(p.ID) == "a:"+id {
				out = append(out, p)
			}
		}
	}
	return out
}

// posOf strips the sequence suffix of a position id.
func posOf(id string) string {
	base, _, _ := strings.Cut(id, "#")
	return base
}

// checkLedger verifies acct's records with arena.CheckLedger and compares
// the recomputed totals with the account itself.
func (h *harness) checkLedger(acct string) {
	h.t.Helper()
	s := h.snapshot(acct)
	got, err := arena.CheckLedger(acct, h.ex.cfg.StartingCapital, h.rec.Batches())
	if err != nil {
		h.t.Fatalf("ledger of %s: %v", acct, err)
	}
	if got.Cash != s.Cash || got.RealizedPnL != s.RealizedPnL || got.Fees != s.Fees ||
		got.Funding != s.Funding || got.Insurance != s.Insurance {
		h.t.Fatalf("ledger of %s recomputed %+v, account has cash %s realized %s fees %s funding %s insurance %s",
			acct, got, s.Cash, s.RealizedPnL, s.Fees, s.Funding, s.Insurance)
	}
	for _, p := range s.Positions {
		if got.Positions[p.Symbol] != p.Signed() {
			h.t.Fatalf("ledger of %s: %s fills add up to %s, position is %s", acct, p.Symbol, got.Positions[p.Symbol], p.Signed())
		}
	}
}
