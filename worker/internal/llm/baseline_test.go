package llm

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
	"github.com/autonome-go/autonome/worker/internal/indicators"
)

var turnTime = time.Date(2025, 11, 21, 10, 5, 0, 0, time.UTC)

// series makes n bars following f(i), oldest first, ending before turnTime.
func series(n int, step time.Duration, f func(i int) float64) []arena.Candle {
	out := make([]arena.Candle, n)
	start := turnTime.Add(-time.Duration(n) * step)
	prev := f(0)
	for i := range out {
		c := f(i)
		out[i] = arena.Candle{Start: start.Add(time.Duration(i) * step), Open: prev, Close: c,
			High: math.Max(prev, c) * 1.001, Low: math.Min(prev, c) * 0.999, Volume: 10}
		prev = c
	}
	return out
}

var bases = map[arena.Symbol]float64{"BTC": 65000, "ETH": 3200, "SOL": 150}

// marketInput builds an Input whose snapshot follows shape (a multiplier of
// the base price by bar index and bar count) and whose prices are the last
// 5-minute closes.
func marketInput(t *testing.T, shape func(i, n int) float64) Input {
	in := testInput()
	in.Prices = map[arena.Symbol]arena.Fixed{}
	var ins []indicators.Input
	for _, m := range in.Markets {
		base := bases[m.Symbol]
		intra := series(180, 5*time.Minute, func(i int) float64 { return base * shape(i, 180) })
		higher := series(90, 4*time.Hour, func(i int) float64 { return base * shape(i, 90) })
		ins = append(ins, indicators.Input{Symbol: m.Symbol, Intraday: intra, HigherTF: higher})
		p, err := arena.FixedFromFloat(intra[len(intra)-1].Close)
		if err != nil {
			t.Fatal(err)
		}
		in.Prices[m.Symbol] = p.RoundTo(m.TickSize)
	}
	snap, err := indicators.Build(turnTime, ins)
	if err != nil {
		t.Fatal(err)
	}
	in.Market = snap
	return in
}

func rising(i, n int) float64  { return 1 + 0.1*float64(i)/float64(n) + 0.002*math.Sin(float64(i)) }
func falling(i, n int) float64 { return 1.1 - 0.1*float64(i)/float64(n) + 0.002*math.Sin(float64(i)) }

// crash is flat, then drops 4% over the last five bars.
func crash(i, n int) float64 {
	v := 1 + 0.001*math.Sin(float64(i))
	if k := i - (n - 5); k >= 0 {
		v -= 0.008 * float64(k+1)
	}
	return v
}

func decide(t *testing.T, name string, in Input) (arena.Invocation, *fillAll) {
	t.Helper()
	b, err := NewBaseline(name, 42)
	if err != nil {
		t.Fatal(err)
	}
	in.Limits = BaselineLimits(name)
	exec := &fillAll{}
	inv, err := b.Decide(context.Background(), in, exec)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Provider != arena.ProviderBaseline || inv.ProviderModel != name || inv.Finish != arena.FinishHolding || inv.Response == "" {
		t.Fatalf("invocation %+v", inv)
	}
	last := inv.ToolCalls[len(inv.ToolCalls)-1]
	if last.Type != arena.ToolHolding || last.Failed() {
		t.Fatalf("last call %+v", last)
	}
	for _, c := range inv.ToolCalls {
		if c.Failed() {
			t.Fatalf("%s made a call the checks refused: %s\n%s", name, c.Arguments, c.Output)
		}
	}
	return inv, exec
}

func TestBuyAndHold(t *testing.T) {
	in := testInput()
	_, exec := decide(t, BaselineBuyAndHoldBTC, in)
	// (10 000 − 500 free cash) / 65 000 = 0.146153…, floored to the 0.00001 lot.
	want := decision.Intent{Kind: decision.IntentOpen, Symbol: "BTC", Side: arena.Long, Quantity: arena.MustFixed("0.14615"),
		Leverage: arena.One, RefPrice: arena.FixedInt(65000), ExitPlan: arena.ExitPlan{Stop: arena.FixedInt(32500),
			Target: arena.FixedInt(650000), Invalidation: "none: buy and hold", Confidence: 1}}
	if len(exec.intents) != 1 || exec.intents[0] != want {
		t.Fatalf("intents %+v\nwant %+v", exec.intents, want)
	}
	in.Account.Positions = []arena.PositionSnapshot{{Position: arena.Position{Symbol: "BTC", Side: arena.Long, Quantity: want.Quantity, EntryPrice: want.RefPrice}, Mark: want.RefPrice}}
	inv, exec := decide(t, BaselineBuyAndHoldBTC, in)
	if len(exec.intents) != 0 || len(inv.ToolCalls) != 1 {
		t.Fatalf("second turn traded: %+v", exec.intents)
	}
}

func TestAlwaysFlat(t *testing.T) {
	in := testInput()
	if _, exec := decide(t, BaselineAlwaysFlat, in); len(exec.intents) != 0 {
		t.Fatalf("flat account traded: %+v", exec.intents)
	}
	in.Account.Positions = []arena.PositionSnapshot{{Position: arena.Position{Symbol: "ETH", Side: arena.Short, Quantity: arena.One}, Mark: arena.FixedInt(3200)}}
	if _, exec := decide(t, BaselineAlwaysFlat, in); len(exec.intents) != 1 || exec.intents[0].Kind != decision.IntentClose || exec.intents[0].Symbol != "ETH" {
		t.Fatalf("intents %+v", exec.intents)
	}
}

func TestMomentum(t *testing.T) {
	for _, tt := range []struct {
		name  string
		shape func(i, n int) float64
		side  arena.Side
	}{{"uptrend goes long", rising, arena.Long}, {"downtrend goes short", falling, arena.Short}} {
		t.Run(tt.name, func(t *testing.T) {
			_, exec := decide(t, BaselineMomentum, marketInput(t, tt.shape))
			if len(exec.intents) != 3 {
				t.Fatalf("intents %+v", exec.intents)
			}
			for _, in := range exec.intents {
				if in.Kind != decision.IntentOpen || in.Side != tt.side || in.Leverage != arena.FixedInt(3) {
					t.Errorf("intent %+v", in)
				}
			}
		})
	}
	in := marketInput(t, falling)
	in.Account.Positions = []arena.PositionSnapshot{{Position: arena.Position{Symbol: "SOL", Side: arena.Long, Quantity: arena.One}, Mark: in.Prices["SOL"]}}
	_, exec := decide(t, BaselineMomentum, in)
	if exec.intents[len(exec.intents)-1].Kind != decision.IntentClose {
		t.Fatalf("a long against the trend was kept: %+v", exec.intents)
	}
}

func TestMeanReversion(t *testing.T) {
	_, exec := decide(t, BaselineMeanReversion, marketInput(t, crash))
	if len(exec.intents) != 3 {
		t.Fatalf("intents %+v", exec.intents)
	}
	for _, in := range exec.intents {
		if in.Side != arena.Long || in.ExitPlan.Target <= in.RefPrice || in.ExitPlan.TimeExit.IsZero() {
			t.Errorf("intent %+v", in)
		}
	}
	if _, exec := decide(t, BaselineMeanReversion, marketInput(t, rising)); len(exec.intents) != 0 {
		t.Errorf("faded a calm trend: %+v", exec.intents)
	}
}

// The random trader is reproducible, and over many turns every order it
// makes passes the hard limits by construction.
func TestRandomTrader(t *testing.T) {
	in := testInput()
	trades := 0
	for turn := range 200 {
		in.Now = turnTime.Add(time.Duration(turn) * 5 * time.Minute)
		inv1, exec := decide(t, BaselineRandom, in)
		inv2, _ := decide(t, BaselineRandom, in)
		for i := range inv1.ToolCalls {
			inv1.ToolCalls[i].CreatedAt, inv2.ToolCalls[i].CreatedAt = time.Time{}, time.Time{}
		}
		a, _ := json.Marshal(inv1.ToolCalls)
		b, _ := json.Marshal(inv2.ToolCalls)
		if string(a) != string(b) {
			t.Fatalf("turn %d differs between runs:\n%s\n%s", turn, a, b)
		}
		trades += len(exec.intents)
	}
	if trades < 20 {
		t.Fatalf("only %d trades in 200 turns", trades)
	}
}

func TestUnknownBaselineAndCancelledContext(t *testing.T) {
	if _, err := NewBaseline("baseline/martingale", 1); arena.ErrorCode(err) != arena.CodeInvalid {
		t.Fatalf("err %v", err)
	}
	b, _ := NewBaseline(BaselineAlwaysFlat, 1)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	inv, err := b.Decide(ctx, testInput(), &fillAll{})
	if err == nil || inv.Failure == nil || inv.Failure.Reason != arena.FailureTimeout {
		t.Fatalf("err %v inv %+v", err, inv)
	}
}

func TestRosterBaselinesExist(t *testing.T) {
	for _, e := range arena.DefaultRoster() {
		if e.Kind != arena.KindBaseline {
			continue
		}
		if _, err := NewBaseline(e.ProviderModel, 0); err != nil {
			t.Errorf("roster baseline %s: %v", e.ProviderModel, err)
		}
		if err := BaselineLimits(e.ProviderModel).Validate(); err != nil {
			t.Errorf("%s limits: %v", e.ProviderModel, err)
		}
	}
}
