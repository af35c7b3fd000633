package marketdata

import (
	"context"
	"errors"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

func TestKindRoundTrip(t *testing.T) {
	for _, k := range []Kind{KindBook, KindTrade, KindStats} {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseKind("candle"); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestTeeDeliversInOrderAndStops(t *testing.T) {
	var got []string
	rec := func(name string, fail bool) Sink {
		return SinkFunc(func(_ context.Context, m Message) error {
			got = append(got, name+":"+m.Kind.String()+":"+string(m.Symbol()))
			if fail {
				return errors.New("full")
			}
			return nil
		})
	}
	ctx := t.Context()
	s := Tee(rec("a", false), rec("b", false))
	must(t, TradeMessage(arena.TradePrint{Symbol: "BTC"}).Deliver(ctx, s))
	must(t, StatsMessage(arena.MarketStats{Symbol: "ETH"}).Deliver(ctx, s))
	failing := Tee(rec("c", true), rec("d", false))
	if err := BookMessage(arena.BookUpdate{Symbol: "SOL"}).Deliver(ctx, failing); err == nil {
		t.Error("error not propagated")
	}
	want := []string{"a:trade:BTC", "b:trade:BTC", "a:stats:ETH", "b:stats:ETH", "c:book:SOL"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if err := (Message{}).Deliver(ctx, s); err == nil {
		t.Error("empty message delivered")
	}
}
