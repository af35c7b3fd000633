package exchange

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

func TestRejections(t *testing.T) {
	base := func(mod func(*arena.OrderRequest)) arena.OrderRequest {
		r := mkt("o", arena.Long, "1")
		r.AccountID, r.Symbol = "a", "BTC"
		mod(&r)
		return r
	}
	tests := []struct {
		name   string
		req    arena.OrderRequest
		code   arena.Code
		reason string
	}{
		{"unknown account", base(func(r *arena.OrderRequest) { r.AccountID = "zz" }), arena.CodeInvalid, "unknown account"},
		{"unknown symbol", base(func(r *arena.OrderRequest) { r.Symbol = "DOGE" }), arena.CodeInvalid, "unknown symbol"},
		{"empty order id", base(func(r *arena.OrderRequest) { r.OrderID = "" }), arena.CodeInvalid, "order id"},
		{"bad side", base(func(r *arena.OrderRequest) { r.Side = "UP" }), arena.CodeInvalid, "side"},
		{"bad type", base(func(r *arena.OrderRequest) { r.Type = "STOP" }), arena.CodeInvalid, "order type"},
		{"negative quantity", base(func(r *arena.OrderRequest) { r.Quantity = fx("-1") }), arena.CodeInvalid, "must be positive"},
		{"zero quantity", base(func(r *arena.OrderRequest) { r.Quantity = 0 }), arena.CodeInvalid, "must be positive"},
		{"under minimum", base(func(r *arena.OrderRequest) { r.Symbol, r.Quantity = "ETH", fx("0.001") }), arena.CodeInvalid, "below the ETH minimum"},
		{"off lot", base(func(r *arena.OrderRequest) { r.Quantity = fx("1.0005") }), arena.CodeInvalid, "lot size"},
		{"price off tick", base(func(r *arena.OrderRequest) { r.Type, r.Price = arena.OrderLimit, fx("100.05") }), arena.CodeInvalid, "tick size"},
		{"negative price", base(func(r *arena.OrderRequest) { r.Type, r.Price = arena.OrderLimit, fx("-100") }), arena.CodeInvalid, "must be positive"},
		{"limit without price", base(func(r *arena.OrderRequest) { r.Type = arena.OrderLimit }), arena.CodeInvalid, "must be positive"},
		{"market with price", base(func(r *arena.OrderRequest) { r.Price = fx("100") }), arena.CodeInvalid, "no price"},
		{"bad time in force", base(func(r *arena.OrderRequest) { r.Type, r.Price, r.TimeInForce = arena.OrderLimit, fx("100"), "FOK" }), arena.CodeInvalid, "time in force"},
		{"leverage over max", base(func(r *arena.OrderRequest) { r.Leverage = fx("11") }), arena.CodeInvalid, "leverage"},
		{"leverage under 1", base(func(r *arena.OrderRequest) { r.Leverage = fx("0.5") }), arena.CodeInvalid, "leverage"},
		{"negative leverage", base(func(r *arena.OrderRequest) { r.Leverage = fx("-2") }), arena.CodeInvalid, "leverage"},
		{"non-finite confidence", base(func(r *arena.OrderRequest) { r.ExitPlan.Confidence = math.NaN() }), arena.CodeInvalid, "finite"},
		{"infinite confidence", base(func(r *arena.OrderRequest) { r.ExitPlan.Confidence = math.Inf(1) }), arena.CodeInvalid, "finite"},
		{"negative stop", base(func(r *arena.OrderRequest) { r.ExitPlan.Stop = fx("-1") }), arena.CodeInvalid, "negative"},
		{"plan on reduce-only", base(func(r *arena.OrderRequest) { r.ReduceOnly, r.ExitPlan.Stop = true, fx("90") }), arena.CodeInvalid, "reduce-only"},
		{"absurd size", base(func(r *arena.OrderRequest) { r.Quantity = fx("90000000000") }), arena.CodeInvalid, "too large"},
		{"insufficient margin", base(func(r *arena.OrderRequest) { r.Quantity = fx("2000") }), arena.CodeRejected, "insufficient margin"},
		{"reduce-only with nothing to reduce", base(func(r *arena.OrderRequest) { r.ReduceOnly = true }), arena.CodeRejected, "would not reduce"},
		{"post-only crossing", base(func(r *arena.OrderRequest) {
			r.Type, r.Price, r.TimeInForce = arena.OrderLimit, fx("100.1"), arena.PostOnly
		}), arena.CodeRejected, "post-only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.around("BTC", "100")
			h.around("ETH", "10")
			_, err := h.ex.SubmitOrder(h.step(time.Millisecond), tt.req)
			if arena.ErrorCode(err) != tt.code || !strings.Contains(arena.ErrorMessage(err), tt.reason) {
				t.Fatalf("got %v (%s), want %s containing %q", err, arena.ErrorCode(err), tt.code, tt.reason)
			}
			if s := h.snapshot("a"); s.Cash != arena.FixedInt(10_000) || len(s.Positions) != 0 || len(s.Orders) != 0 {
				t.Fatalf("rejected order changed the account: %+v", s)
			}
			for _, b := range h.rec.Batches() {
				if len(b.Fills) > 0 {
					t.Fatalf("rejected order filled: %+v", b.Fills)
				}
				for _, o := range b.Orders {
					if tt.code == arena.CodeInvalid {
						t.Fatalf("an invalid request was recorded: %+v", o)
					}
					if o.State != arena.OrderRejected || o.Reason == "" {
						t.Fatalf("rejection recorded as %+v", o)
					}
				}
			}
		})
	}
}

func TestStaleBookRejects(t *testing.T) {
	h := newHarness(t, nil)
	if _, err := h.submit(mkt("early", arena.Long, "1")); arena.ErrorCode(err) != arena.CodeRejected || !strings.Contains(err.Error(), "no market data") {
		t.Fatalf("before any data: %v", err)
	}
	h.around("BTC", "100")
	h.step(6 * time.Second)
	_, err := h.submit(mkt("late", arena.Long, "1"))
	if arena.ErrorCode(err) != arena.CodeRejected || !strings.Contains(err.Error(), "stale") {
		t.Fatalf("stale book: %v", err)
	}
	h.around("BTC", "100")
	if _, err := h.submit(mkt("fresh", arena.Long, "1")); err != nil {
		t.Fatalf("fresh book: %v", err)
	}
}

func TestFeedValidation(t *testing.T) {
	h := newHarness(t, nil)
	bad := []arena.BookUpdate{
		{Symbol: "DOGE", Snapshot: true},
		{Symbol: "BTC", Snapshot: true, Bids: levels("99:1, 100:1")},  // not best first
		{Symbol: "BTC", Snapshot: true, Asks: levels("101:1, 100:1")}, // not best first
		{Symbol: "BTC", Bids: levels("-1:1")},
		{Symbol: "BTC", Bids: levels("100:-1")},
	}
	for i, u := range bad {
		if err := h.ex.ApplyBook(h.step(1), u); err == nil {
			t.Errorf("update %d accepted", i)
		}
	}
	h.ex.ApplyBook(h.step(1), arena.BookUpdate{Symbol: "BTC", Seq: 10, Snapshot: true, Bids: levels("99:1"), Asks: levels("101:1")})
	if err := h.ex.ApplyBook(h.step(1), arena.BookUpdate{Symbol: "BTC", Seq: 10, Bids: levels("99:2")}); arena.ErrorCode(err) != arena.CodeConflict {
		t.Errorf("replayed delta: %v", err)
	}
	if err := h.ex.ApplyTrade(h.step(1), arena.TradePrint{Symbol: "BTC", Price: fx("100"), Size: 0}); err == nil {
		t.Error("empty trade accepted")
	}
	if err := h.ex.ApplyStats(h.step(1), arena.MarketStats{Symbol: "BTC", FundingRate: fx("2")}); err == nil {
		t.Error("absurd funding rate accepted")
	}
}

func TestConfigValidation(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	mods := map[string]func(*Config){
		"no markets":       func(c *Config) { c.Markets = nil },
		"duplicate market": func(c *Config) { c.Markets = append(c.Markets, c.Markets[0]) },
		"inexact fee":      func(c *Config) { c.Markets[0].TakerFeeBps = fx("0.00001") },
		"no capital":       func(c *Config) { c.StartingCapital = 0 },
		"negative latency": func(c *Config) { c.TakerLatency = -1 },
		"slippage":         func(c *Config) { c.SlippageBps = fx("-1") },
		"window":           func(c *Config) { c.IdempotencyWindow = 0 },
	}
	for name, mod := range mods {
		c := DefaultConfig()
		c.Markets = append([]arena.Market(nil), c.Markets...)
		mod(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
