package marketdata_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// recorder is a sink that keeps what reaches it.
type recorder struct{ got []marketdata.Message }

func (r *recorder) OnBook(_ context.Context, u arena.BookUpdate) error {
	r.got = append(r.got, marketdata.BookMessage(u))
	return nil
}

func (r *recorder) OnTrade(_ context.Context, t arena.TradePrint) error {
	r.got = append(r.got, marketdata.TradeMessage(t))
	return nil
}

func (r *recorder) OnStats(_ context.Context, s arena.MarketStats) error {
	r.got = append(r.got, marketdata.StatsMessage(s))
	return nil
}

func book(sym arena.Symbol, bid, ask string) arena.BookUpdate {
	return arena.BookUpdate{Symbol: sym, Snapshot: true,
		Bids: []arena.Level{{Price: arena.MustFixed(bid), Size: arena.One}},
		Asks: []arena.Level{{Price: arena.MustFixed(ask), Size: arena.One}}}
}

func trade(sym arena.Symbol, price string) arena.TradePrint {
	return arena.TradePrint{Symbol: sym, Price: arena.MustFixed(price), Size: arena.One}
}

// TestPriceGuard: the feed's prices reach the simulator only within a
// relative bound of the market's last price, so an extreme but well-formed
// price (the one that made cash wrap) never reaches the ledger; a real move
// across an outage gets through once enough messages agree on it.
func TestPriceGuard(t *testing.T) {
	ctx := t.Context()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range []struct {
		name string
		send func(g *marketdata.PriceGuard)
		want int // messages passed
	}{
		{"prices near the reference pass", func(g *marketdata.PriceGuard) {
			_ = g.OnBook(ctx, book("BTC", "99", "101"))
			_ = g.OnTrade(ctx, trade("BTC", "115"))
			_ = g.OnBook(ctx, book("BTC", "125", "127")) // 10% from the last trade
			_ = g.OnStats(ctx, arena.MarketStats{Symbol: "BTC", MarkPrice: arena.MustFixed("126")})
		}, 4},
		{"an extreme trade is refused", func(g *marketdata.PriceGuard) {
			_ = g.OnBook(ctx, book("BTC", "99", "101"))
			_ = g.OnTrade(ctx, trade("BTC", "900000000"))
		}, 1},
		{"a book with one extreme level is refused whole", func(g *marketdata.PriceGuard) {
			_ = g.OnBook(ctx, book("BTC", "99", "101"))
			u := book("BTC", "99", "101")
			u.Asks = append(u.Asks, arena.Level{Price: arena.MustFixed("1000000000"), Size: arena.One})
			_ = g.OnBook(ctx, u)
		}, 1},
		{"a first book with an extreme level is refused", func(g *marketdata.PriceGuard) {
			u := book("BTC", "99", "101")
			u.Asks = append(u.Asks, arena.Level{Price: arena.MustFixed("1000000000"), Size: arena.One})
			_ = g.OnBook(ctx, u)
		}, 0},
		{"a 30% mark is refused", func(g *marketdata.PriceGuard) {
			_ = g.OnBook(ctx, book("BTC", "99", "101"))
			_ = g.OnStats(ctx, arena.MarketStats{Symbol: "BTC", MarkPrice: arena.MustFixed("130")})
		}, 1},
		{"removals pass", func(g *marketdata.PriceGuard) {
			_ = g.OnBook(ctx, book("BTC", "99", "101"))
			_ = g.OnBook(ctx, arena.BookUpdate{Symbol: "BTC", Asks: []arena.Level{{Price: arena.MustFixed("5000")}}})
		}, 2},
		{"markets are judged apart", func(g *marketdata.PriceGuard) {
			_ = g.OnBook(ctx, book("BTC", "99", "101"))
			_ = g.OnBook(ctx, book("ETH", "2", "3"))
		}, 2},
		{"a real move passes once five messages agree", func(g *marketdata.PriceGuard) {
			_ = g.OnBook(ctx, book("BTC", "99", "101"))
			for _, p := range []string{"150", "151", "149", "150", "152"} {
				_ = g.OnTrade(ctx, trade("BTC", p))
			}
			_ = g.OnTrade(ctx, trade("BTC", "153")) // near the new reference
		}, 3},
		{"garbage that does not agree never passes", func(g *marketdata.PriceGuard) {
			_ = g.OnBook(ctx, book("BTC", "99", "101"))
			for _, p := range []string{"150", "900000000", "150", "1", "150", "9000", "150"} {
				_ = g.OnTrade(ctx, trade("BTC", p))
			}
		}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			g := marketdata.NewPriceGuard(rec, marketdata.GuardOptions{Log: quiet})
			tt.send(g)
			if len(rec.got) != tt.want {
				t.Fatalf("%d messages passed, want %d: %+v", len(rec.got), tt.want, rec.got)
			}
		})
	}

	t.Run("bounds per market", func(t *testing.T) {
		rec := &recorder{}
		g := marketdata.NewPriceGuard(rec, marketdata.GuardOptions{Log: quiet,
			MaxJump: map[arena.Symbol]arena.Fixed{"BTC": arena.MustFixed("0.05")}})
		_ = g.OnBook(ctx, book("BTC", "99", "101"))
		_ = g.OnTrade(ctx, trade("BTC", "110")) // 10%: beyond BTC's 5%
		_ = g.OnBook(ctx, book("ETH", "99", "101"))
		_ = g.OnTrade(ctx, trade("ETH", "110")) // within the default
		if len(rec.got) != 3 || rec.got[1].Kind != marketdata.KindBook {
			t.Fatalf("passed %+v, want BTC's book, ETH's book and trade", rec.got)
		}
	})
}
