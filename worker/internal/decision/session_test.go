package decision

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// recorder is an Executor that fills every intent at its reference price,
// or fails with err.
type recorder struct {
	intents []Intent
	err     error
	account *arena.AccountSnapshot
}

func (r *recorder) Execute(_ context.Context, in Intent) (Outcome, error) {
	r.intents = append(r.intents, in)
	if r.err != nil {
		return Outcome{}, r.err
	}
	return Outcome{FillPrice: in.RefPrice, Quantity: in.Quantity, Account: r.account}, nil
}

var fixedNow = time.Date(2025, 11, 21, 10, 5, 0, 0, time.UTC)

func prices() map[arena.Symbol]arena.Fixed {
	return map[arena.Symbol]arena.Fixed{"BTC": arena.FixedInt(65000), "ETH": arena.FixedInt(3200), "SOL": arena.FixedInt(150)}
}

func flatAccount() arena.AccountSnapshot {
	return arena.AccountSnapshot{Equity: arena.FixedInt(10000), Available: arena.FixedInt(10000)}
}

func position(sym arena.Symbol, side arena.Side, qty, mark, lev string, plan arena.ExitPlan) arena.PositionSnapshot {
	p := arena.PositionSnapshot{Position: arena.Position{Symbol: sym, Side: side, Status: arena.PositionOpen, Quantity: arena.MustFixed(qty),
		EntryPrice: arena.MustFixed(mark), Leverage: arena.MustFixed(lev), ExitPlan: plan}, Mark: arena.MustFixed(mark)}
	p.Notional = p.Quantity.Mul(p.Mark)
	return p
}

func btcLong() arena.PositionSnapshot {
	return position("BTC", arena.Long, "0.05", "65000", "2", arena.ExitPlan{Stop: arena.FixedInt(63000), Target: arena.FixedInt(68000),
		Invalidation: "4h close below ema20", Confidence: 0.6})
}

func newSession(a arena.AccountSnapshot) *Session {
	return NewSession(Config{Markets: arena.DefaultMarkets(), Prices: prices(), Account: a, Limits: DefaultRiskLimits(),
		Now: func() time.Time { return fixedNow }})
}

func open(fields string) string {
	return `{"decisions":[{"invalidation_condition":"thesis broken","confidence":60,` + fields + `}]}`
}

func TestCreatePositionChecks(t *testing.T) {
	withBTC := flatAccount()
	withBTC.Positions = []arena.PositionSnapshot{btcLong()}
	broke := flatAccount()
	broke.Equity, broke.Available = arena.FixedInt(-5), 0
	tests := []struct {
		name    string
		account arena.AccountSnapshot
		args    string
		reason  arena.FailureReason // "" means accepted
		code    string
	}{
		{"accepted long", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.05,"leverage":3,"stop_loss":64000,"profit_target":67000`), "", ""},
		{"accepted short", flatAccount(), open(`"symbol":"ETH","side":"SHORT","quantity":1,"leverage":2,"stop_loss":3300,"profit_target":3000`), "", ""},
		// 0.1 × (65000−63000) = 200 = exactly 2% of 10 000: allowed.
		{"risk at the limit", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.1,"leverage":3,"stop_loss":63000,"profit_target":70000`), "", ""},
		{"risk over the limit", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.11,"leverage":3,"stop_loss":63000,"profit_target":70000`), arena.FailureRiskRejected, CodeMaxRiskPerTrade},
		// Adding 0.05 to 0.05 held: the stop covers 0.1 → 0.1 × 2500 = 250 > 200.
		{"scale-in counts the held size", withBTC, open(`"symbol":"BTC","side":"LONG","quantity":0.05,"leverage":3,"stop_loss":62500,"profit_target":70000`), arena.FailureRiskRejected, CodeMaxRiskPerTrade},
		{"leverage over the hard limit", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":11,"stop_loss":64000,"profit_target":67000`), arena.FailureRiskRejected, CodeMaxLeverage},
		{"leverage over the market's maximum", flatAccount(), open(`"symbol":"SOL","side":"LONG","quantity":1,"leverage":10.5,"stop_loss":140,"profit_target":160`), arena.FailureRiskRejected, CodeMaxLeverage},
		{"leverage below one", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":0.5,"stop_loss":64000,"profit_target":67000`), arena.FailureInvalidArguments, CodeOutOfRange},
		{"long stop above price", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":3,"stop_loss":66000,"profit_target":67000`), arena.FailureInvalidArguments, CodeStopWrongSide},
		{"long stop at price", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":3,"stop_loss":65000,"profit_target":67000`), arena.FailureInvalidArguments, CodeStopWrongSide},
		{"long target below price", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":3,"stop_loss":64000,"profit_target":64500`), arena.FailureInvalidArguments, CodeTargetWrongSide},
		{"short stop below price", flatAccount(), open(`"symbol":"ETH","side":"SHORT","quantity":1,"leverage":2,"stop_loss":3100,"profit_target":3000`), arena.FailureInvalidArguments, CodeStopWrongSide},
		{"short target above price", flatAccount(), open(`"symbol":"ETH","side":"SHORT","quantity":1,"leverage":2,"stop_loss":3300,"profit_target":3250`), arena.FailureInvalidArguments, CodeTargetWrongSide},
		{"below minimum size", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.0001,"leverage":3,"stop_loss":64000,"profit_target":67000`), arena.FailureInvalidArguments, CodeBelowMinSize},
		// 0.5 × 65000 = 32 500 > 300% of 10 000; the stop is close so risk passes.
		{"gross exposure", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.5,"leverage":10,"stop_loss":64900,"profit_target":67000`), arena.FailureRiskRejected, CodeMaxGrossExposure},
		{"absurd quantity", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":100000000,"leverage":10,"stop_loss":64999.99,"profit_target":67000`), arena.FailureRiskRejected, CodeMaxGrossExposure},
		// 0.4 × 65000 = 26 000 at 2x = 13 000 margin > 10 000 available.
		{"free cash", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.4,"leverage":2,"stop_loss":64950,"profit_target":67000`), arena.FailureRiskRejected, CodeMinFreeCash},
		// 0.14 × 65000 = 9100 at 1x leaves 900 ≥ 500; 0.15 leaves 250.
		{"free cash boundary ok", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.14,"leverage":1,"stop_loss":64000,"profit_target":67000`), "", ""},
		{"free cash boundary over", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.15,"leverage":1,"stop_loss":64000,"profit_target":67000`), arena.FailureRiskRejected, CodeMinFreeCash},
		{"invalidation price on the target side", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":3,"stop_loss":64000,"profit_target":67000,"invalidation_price":66000`), arena.FailureInvalidArguments, CodeStopWrongSide},
		{"time exit in the past", flatAccount(), open(`"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":3,"stop_loss":64000,"profit_target":67000,"time_exit":"2020-01-01T00:00:00Z"`), arena.FailureInvalidArguments, CodeInvalidTime},
		{"opposite of a held position", withBTC, open(`"symbol":"BTC","side":"SHORT","quantity":0.01,"leverage":3,"stop_loss":66000,"profit_target":60000`), arena.FailureRiskRejected, CodeOppositePosition},
		{"no equity", broke, open(`"symbol":"ETH","side":"LONG","quantity":0.01,"leverage":1,"stop_loss":3100,"profit_target":3300`), arena.FailureRiskRejected, CodeEquityNotPositive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exec := &recorder{}
			rec := newSession(tt.account).Handle(context.Background(), exec, Call{ID: "c1", Name: NameCreatePosition, Arguments: []byte(tt.args), Step: 1})
			if rec.Type != arena.ToolCreatePosition || rec.Failure != nil || len(rec.Results) != 1 {
				t.Fatalf("record %+v", rec)
			}
			res := rec.Results[0]
			if tt.reason == "" {
				if !res.Success || len(exec.intents) != 1 {
					t.Fatalf("want accepted, got %+v (%s)", res.Failure, rec.Output)
				}
				return
			}
			if res.Success || res.Failure == nil || res.Failure.Reason != tt.reason || res.Failure.Code != tt.code {
				t.Fatalf("result %+v failure %+v, want %s/%s", res, res.Failure, tt.reason, tt.code)
			}
			if len(exec.intents) != 0 {
				t.Fatalf("a rejected decision reached the executor: %+v", exec.intents)
			}
			if !strings.Contains(rec.Output, tt.code) {
				t.Errorf("output does not name the code: %s", rec.Output)
			}
		})
	}
}

func TestAcceptedIntentIsExact(t *testing.T) {
	exec := &recorder{}
	s := newSession(flatAccount())
	rec := s.Handle(t.Context(), exec, Call{Name: NameCreatePosition, Arguments: []byte(open(
		`"symbol":"SOL","side":"SHORT","quantity":2.5,"leverage":4,"stop_loss":155.5,"profit_target":140.25,"invalidation_price":153,"time_exit":"24h","cooldown_until":"2025-11-22T00:00:00Z"`))})
	want := Intent{Kind: IntentOpen, Symbol: "SOL", Side: arena.Short, Quantity: arena.MustFixed("2.5"), Leverage: arena.FixedInt(4),
		RefPrice: arena.FixedInt(150), CooldownUntil: time.Date(2025, 11, 22, 0, 0, 0, 0, time.UTC),
		ExitPlan: arena.ExitPlan{Stop: arena.MustFixed("155.5"), Target: arena.MustFixed("140.25"), Invalidation: "thesis broken",
			InvalidationPrice: arena.FixedInt(153), TimeExit: fixedNow.Add(24 * time.Hour), Confidence: 0.6}}
	if len(exec.intents) != 1 || exec.intents[0] != want {
		t.Fatalf("intent %+v\nwant   %+v", exec.intents, want)
	}
	if !rec.CreatedAt.Equal(fixedNow) || rec.Results[0].FillPrice != arena.FixedInt(150) || !strings.Contains(rec.Output, "SHORT 2.5 at 4x: filled 2.5 at 150") {
		t.Fatalf("record %+v output %q", rec, rec.Output)
	}
}

func TestOneActionPerSymbolAndCumulativeLimits(t *testing.T) {
	exec := &recorder{}
	a := flatAccount()
	a.Positions = []arena.PositionSnapshot{btcLong()}
	a.Available = arena.FixedInt(8375) // 0.05 × 65000 / 2 of margin in use
	s := newSession(a)
	ctx := t.Context()
	// Two ETH decisions in one call: the second is refused; SOL passes.
	rec := s.Handle(ctx, exec, Call{Name: NameCreatePosition, Arguments: []byte(`{"decisions":[
		{"symbol":"ETH","side":"LONG","quantity":2,"leverage":2,"stop_loss":3150,"profit_target":3400,"invalidation_condition":"x","confidence":50},
		{"symbol":"ETH","side":"LONG","quantity":1,"leverage":2,"stop_loss":3150,"profit_target":3400,"invalidation_condition":"x","confidence":50},
		{"symbol":"SOL","side":"HOLD"}]}`)})
	codes := resultCodes(rec)
	if codes[0] != "ok" || codes[1] != CodeOneActionPerSym || codes[2] != "ok" {
		t.Fatalf("codes %v\n%s", codes, rec.Output)
	}
	// ETH used 6400 notional and 3200 margin: 3250 + 6400 gross so far, 5175 free.
	// SOL 30 × 150 = 4500 at 1x would leave 675 ≥ 500; 32 would leave 375.
	rec = s.Handle(ctx, exec, Call{Name: NameCreatePosition, Arguments: []byte(open(`"symbol":"SOL","side":"LONG","quantity":32,"leverage":1,"stop_loss":149,"profit_target":160`))})
	if c := resultCodes(rec); c[0] != CodeMinFreeCash {
		t.Fatalf("cumulative free cash: %v %s", c, rec.Output)
	}
	rec = s.Handle(ctx, exec, Call{Name: NameCreatePosition, Arguments: []byte(open(`"symbol":"SOL","side":"LONG","quantity":30,"leverage":1,"stop_loss":149,"profit_target":160`))})
	if c := resultCodes(rec); c[0] != "ok" {
		t.Fatalf("SOL within limits: %v %s", c, rec.Output)
	}
	// BTC was not touched yet: closing works once, then nothing more on BTC.
	rec = s.Handle(ctx, exec, Call{Name: NameClosePosition, Arguments: []byte(`{"symbols":["BTC","BTC"]}`)})
	if c := resultCodes(rec); c[0] != "ok" || c[1] != CodeOneActionPerSym {
		t.Fatalf("close codes %v", c)
	}
	if got := exec.intents[len(exec.intents)-1]; got.Kind != IntentClose || got.Quantity != arena.MustFixed("0.05") || got.Side != arena.Long {
		t.Fatalf("close intent %+v", got)
	}
	rec = s.Handle(ctx, exec, Call{Name: NameUpdateExitPlan, Arguments: []byte(`{"updates":[{"symbol":"BTC","new_stop_loss":64000,"reason":"tighten"}]}`)})
	if c := resultCodes(rec); c[0] != CodeOneActionPerSym {
		t.Fatalf("update after close: %v", c)
	}
}

func TestExecutionFailureDoesNotUseTheAction(t *testing.T) {
	exec := &recorder{err: arena.Errorf(arena.CodeRejected, "insufficient margin")}
	s := newSession(flatAccount())
	args := []byte(open(`"symbol":"ETH","side":"LONG","quantity":1,"leverage":2,"stop_loss":3150,"profit_target":3400`))
	rec := s.Handle(t.Context(), exec, Call{Name: NameCreatePosition, Arguments: args})
	f := rec.Results[0].Failure
	if f == nil || f.Reason != arena.FailureExecutionError || f.Code != string(arena.CodeRejected) || f.Message != "insufficient margin" {
		t.Fatalf("failure %+v", f)
	}
	exec.err = errors.New("connection reset by peer: secret internals")
	rec = s.Handle(t.Context(), exec, Call{Name: NameCreatePosition, Arguments: args})
	if f := rec.Results[0].Failure; f == nil || f.Message != "internal error" || strings.Contains(rec.Output, "secret") {
		t.Fatalf("internal error leaked or missing: %+v %q", f, rec.Output)
	}
	exec.err = nil
	rec = s.Handle(t.Context(), exec, Call{Name: NameCreatePosition, Arguments: args})
	if !rec.Results[0].Success {
		t.Fatalf("retry after a failed execution was refused: %s", rec.Output)
	}
}

func TestObserveReplacesProjections(t *testing.T) {
	after := flatAccount()
	after.Available = arena.FixedInt(9000)
	exec := &recorder{account: &after}
	s := newSession(flatAccount())
	s.Handle(t.Context(), exec, Call{Name: NameCreatePosition, Arguments: []byte(open(`"symbol":"ETH","side":"LONG","quantity":1,"leverage":2,"stop_loss":3150,"profit_target":3400`))})
	if s.Account().Available != arena.FixedInt(9000) || s.pendMargin != 0 || s.pendGross != 0 {
		t.Fatalf("account %+v pending %s/%s", s.Account(), s.pendGross, s.pendMargin)
	}
}

func TestUpdateExitPlan(t *testing.T) {
	short := position("ETH", arena.Short, "1", "3200", "2", arena.ExitPlan{Stop: arena.FixedInt(3300), Target: arena.FixedInt(3000), Invalidation: "reclaims 3300"})
	a := flatAccount()
	a.Positions = []arena.PositionSnapshot{btcLong(), short}
	tests := []struct {
		name   string
		update string
		code   string // "ok" when accepted
	}{
		{"tighten long, keep target", `{"symbol":"BTC","new_stop_loss":64000,"reason":"trail under ema20"}`, "ok"},
		{"tighten short and move target", `{"symbol":"ETH","new_stop_loss":3250,"new_target_price":2900,"reason":"trail"}`, "ok"},
		{"widen long", `{"symbol":"BTC","new_stop_loss":62000,"reason":"give it room"}`, CodeStopWidened},
		{"widen short", `{"symbol":"ETH","new_stop_loss":3400,"reason":"give it room"}`, CodeStopWidened},
		{"long stop above price", `{"symbol":"BTC","new_stop_loss":65500,"reason":"lock profit"}`, CodeStopWrongSide},
		{"short target above price", `{"symbol":"ETH","new_stop_loss":3250,"new_target_price":3300,"reason":"hmm"}`, CodeTargetWrongSide},
		{"no position", `{"symbol":"SOL","new_stop_loss":140,"reason":"trail"}`, CodeNoPosition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exec := &recorder{}
			rec := newSession(a).Handle(context.Background(), exec, Call{Name: NameUpdateExitPlan, Arguments: []byte(`{"updates":[` + tt.update + `]}`)})
			if rec.Type != arena.ToolUpdateExitPlan {
				t.Fatalf("type %s", rec.Type)
			}
			if c := resultCodes(rec); c[0] != tt.code {
				t.Fatalf("code %v, want %s: %s", c, tt.code, rec.Output)
			}
		})
	}
	exec := &recorder{}
	newSession(a).Handle(t.Context(), exec, Call{Name: NameUpdateExitPlan, Arguments: []byte(`{"updates":[{"symbol":"BTC","new_stop_loss":64000,"reason":"trail under ema20"}]}`)})
	plan := exec.intents[0].ExitPlan
	if plan.Stop != arena.FixedInt(64000) || plan.Target != arena.FixedInt(68000) || plan.Invalidation != "4h close below ema20" || plan.Confidence != 0.6 || exec.intents[0].Reason != "trail under ema20" {
		t.Fatalf("update intent %+v", exec.intents[0])
	}
}

func TestMalformedCalls(t *testing.T) {
	tests := []struct {
		name, tool, args string
		typ              arena.ToolCallType
		reason           arena.FailureReason
		code             string
	}{
		{"unknown tool", "deleteAllLimits", `{}`, arena.ToolUnknown, arena.FailureParseError, CodeUnknownTool},
		{"invalid JSON", NameCreatePosition, `{"decisions":[{"symbol":"BTC",`, arena.ToolCreatePosition, arena.FailureParseError, CodeInvalidJSON},
		{"close unknown field", NameClosePosition, `{"symbols":["BTC"],"force":true}`, arena.ToolClosePosition, arena.FailureInvalidArguments, CodeUnknownField},
		{"holding too long", NameHolding, `{"reason":"` + strings.Repeat("x", MaxReasonLen+1) + `"}`, arena.ToolHolding, arena.FailureInvalidArguments, CodeOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exec := &recorder{}
			rec := newSession(flatAccount()).Handle(context.Background(), exec, Call{ID: "x", Name: tt.tool, Arguments: []byte(tt.args)})
			if rec.Type != tt.typ || rec.Failure == nil || rec.Failure.Reason != tt.reason || rec.Failure.Code != tt.code || !rec.Failed() {
				t.Fatalf("record %+v failure %+v", rec, rec.Failure)
			}
			if !json.Valid(rec.Arguments) {
				t.Fatalf("recorded arguments are not JSON: %s", rec.Arguments)
			}
			if len(exec.intents) != 0 {
				t.Fatal("executor called")
			}
		})
	}
}

func TestHoldingWithoutArguments(t *testing.T) {
	for _, args := range []string{"", "{}", `{"reason":"nothing to do"}`} {
		rec := newSession(flatAccount()).Handle(t.Context(), &recorder{}, Call{Name: NameHolding, Arguments: []byte(args)})
		if rec.Type != arena.ToolHolding || rec.Failed() || len(rec.Results) != 1 || rec.Results[0].Action != arena.ActionHold {
			t.Fatalf("args %q: %+v", args, rec)
		}
	}
}

func TestToolSchemasAreValidJSON(t *testing.T) {
	specs := Tools(arena.Symbols(arena.DefaultMarkets()), DefaultRiskLimits())
	if len(specs) != 4 {
		t.Fatalf("%d tools", len(specs))
	}
	for _, s := range specs {
		var v map[string]any
		if err := json.Unmarshal(s.Parameters, &v); err != nil || v["additionalProperties"] != false {
			t.Fatalf("%s schema %s: %v", s.Name, s.Parameters, err)
		}
	}
	if !strings.Contains(string(specs[0].Parameters), `"maximum":10`) {
		t.Errorf("createPosition schema does not state the leverage limit: %s", specs[0].Parameters)
	}
}

func TestVariantLimitsAreValid(t *testing.T) {
	for _, v := range arena.Variants() {
		l := VariantRiskLimits(v.ID)
		if err := l.Validate(); err != nil {
			t.Errorf("%s: %v", v.ID, err)
		}
		d := DefaultRiskLimits()
		if l.MaxLeverage > d.MaxLeverage || l.MaxRiskPerTradePct > d.MaxRiskPerTradePct || l.MaxGrossExposurePct > d.MaxGrossExposurePct || l.MinFreeCash < d.MinFreeCash {
			t.Errorf("%s loosens the defaults: %+v", v.ID, l)
		}
	}
	if err := (RiskLimits{MaxLeverage: arena.MustFixed("0.5")}).Validate(); err == nil {
		t.Error("leverage below 1 accepted")
	}
}

func resultCodes(rec arena.ToolCall) []string {
	out := make([]string, len(rec.Results))
	for i, r := range rec.Results {
		out[i] = "ok"
		if r.Failure != nil {
			out[i] = r.Failure.Code
		}
	}
	return out
}

func TestCooldown(t *testing.T) {
	cfg := Config{Markets: arena.DefaultMarkets(), Prices: prices(), Account: flatAccount(), Limits: DefaultRiskLimits(),
		Cooldowns: map[arena.Symbol]time.Time{"ETH": fixedNow.Add(time.Minute), "SOL": fixedNow.Add(-time.Minute)},
		Now:       func() time.Time { return fixedNow }}
	s := NewSession(cfg)
	rec := s.Handle(t.Context(), &recorder{}, Call{Name: NameCreatePosition, Arguments: []byte(`{"decisions":[
		{"symbol":"ETH","side":"LONG","quantity":1,"leverage":2,"stop_loss":3150,"profit_target":3400,"invalidation_condition":"x","confidence":50},
		{"symbol":"SOL","side":"LONG","quantity":1,"leverage":2,"stop_loss":149,"profit_target":160,"invalidation_condition":"x","confidence":50}]}`)})
	if c := resultCodes(rec); c[0] != CodeCooldown || c[1] != "ok" {
		t.Fatalf("codes %v: %s", c, rec.Output)
	}
}
