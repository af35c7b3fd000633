package decision

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

func knownMarkets() map[arena.Symbol]arena.Market {
	out := map[arena.Symbol]arena.Market{}
	for _, m := range arena.DefaultMarkets() {
		out[m.Symbol] = m
	}
	return out
}

var parseNow = time.Date(2025, 11, 21, 9, 0, 0, 0, time.UTC)

const okOpen = `"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":3,"profit_target":67000,"stop_loss":64000,"invalidation_condition":"4h close below ema20","confidence":70`

func TestParseCreatePosition(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		topCode  string // rejection of the whole call
		itemCode string // rejection of decisions[0]
		check    func(t *testing.T, d OpenDecision)
	}{
		{name: "valid", args: `{"decisions":[{` + okOpen + `}]}`, check: func(t *testing.T, d OpenDecision) {
			if d.Symbol != "BTC" || d.Side != arena.Long || d.Quantity != arena.MustFixed("0.01") || d.Leverage != arena.FixedInt(3) ||
				d.StopLoss != arena.FixedInt(64000) || d.ProfitTarget != arena.FixedInt(67000) || d.Confidence != 70 {
				t.Errorf("parsed %+v", d)
			}
		}},
		{name: "symbol normalised and side case-insensitive", args: `{"decisions":[{` + okOpen + `,"symbol":"btcusdt","side":"long"}]}`,
			check: func(t *testing.T, d OpenDecision) {
				if d.Symbol != "BTC" || d.Side != arena.Long {
					t.Errorf("parsed %+v", d)
				}
			}},
		{name: "exponent and long decimals go through the float door", args: `{"decisions":[{` + okOpen + `,"quantity":1e-2,"stop_loss":64000.123456789}]}`,
			check: func(t *testing.T, d OpenDecision) {
				if d.Quantity != arena.MustFixed("0.01") || d.StopLoss != arena.MustFixed("64000.12345679") {
					t.Errorf("quantity %s stop %s", d.Quantity, d.StopLoss)
				}
			}},
		{name: "hold needs only a symbol", args: `{"decisions":[{"symbol":"ETH","side":"HOLD"}]}`, check: func(t *testing.T, d OpenDecision) {
			if !d.Hold || d.Symbol != "ETH" {
				t.Errorf("parsed %+v", d)
			}
		}},
		{name: "optional fields", args: `{"decisions":[{` + okOpen + `,"invalidation_price":null,"time_exit":"24h","cooldown_until":"2025-11-21T12:00:00+02:00"}]}`,
			check: func(t *testing.T, d OpenDecision) {
				if d.InvalidationPrice != 0 || !d.TimeExit.Equal(parseNow.Add(24*time.Hour)) || d.CooldownUntil.Hour() != 10 || d.CooldownUntil.Location().String() != "UTC" {
					t.Errorf("parsed %+v", d)
				}
			}},
		{name: "not an object", args: `[1,2]`, topCode: CodeNotObject},
		{name: "unknown top-level field", args: `{"decisions":[{` + okOpen + `}],"override_risk":true}`, topCode: CodeUnknownField},
		{name: "decisions missing", args: `{}`, topCode: CodeMissingField},
		{name: "decisions empty", args: `{"decisions":[]}`, topCode: CodeOutOfRange},
		{name: "decisions wrong type", args: `{"decisions":{"symbol":"BTC"}}`, topCode: CodeWrongType},
		{name: "unknown field in a decision", args: `{"decisions":[{` + okOpen + `,"ignore_limits":true}]}`, itemCode: CodeUnknownField},
		{name: "quantity as a string", args: `{"decisions":[{` + okOpen + `,"quantity":"0.01"}]}`, itemCode: CodeWrongType},
		{name: "quantity zero", args: `{"decisions":[{` + okOpen + `,"quantity":0}]}`, itemCode: CodeOutOfRange},
		{name: "quantity negative", args: `{"decisions":[{` + okOpen + `,"quantity":-1}]}`, itemCode: CodeOutOfRange},
		{name: "quantity not finite", args: `{"decisions":[{` + okOpen + `,"quantity":1e400}]}`, itemCode: CodeNotFinite},
		{name: "quantity beyond decimal range", args: `{"decisions":[{` + okOpen + `,"quantity":123456789012345678901234567890}]}`, itemCode: CodeOutOfRange},
		{name: "hallucinated symbol", args: `{"decisions":[{` + okOpen + `,"symbol":"DOGE"}]}`, itemCode: CodeUnknownSymbol},
		{name: "symbol as number", args: `{"decisions":[{` + okOpen + `,"symbol":1}]}`, itemCode: CodeWrongType},
		{name: "bad side", args: `{"decisions":[{` + okOpen + `,"side":"BUY_MORE"}]}`, itemCode: CodeInvalidSide},
		{name: "missing stop", args: `{"decisions":[{"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":3,"profit_target":67000,"invalidation_condition":"x","confidence":70}]}`, itemCode: CodeMissingField},
		{name: "null stop is missing", args: `{"decisions":[{` + okOpen + `,"stop_loss":null}]}`, itemCode: CodeMissingField},
		{name: "confidence above 100", args: `{"decisions":[{` + okOpen + `,"confidence":150}]}`, itemCode: CodeOutOfRange},
		{name: "time exit as a deadline", args: `{"decisions":[{` + okOpen + `,"time_exit":"2025-11-21T18:00:00Z"}]}`,
			check: func(t *testing.T, d OpenDecision) {
				if d.TimeExit.Hour() != 18 {
					t.Errorf("time exit %v", d.TimeExit)
				}
			}},
		{name: "time exit too far", args: `{"decisions":[{` + okOpen + `,"time_exit":"10000h"}]}`, itemCode: CodeInvalidTime},
		{name: "time exit unreadable is ignored", args: `{"decisions":[{` + okOpen + `,"time_exit":"when the trend ends"}]}`,
			check: func(t *testing.T, d OpenDecision) {
				if !d.TimeExit.IsZero() || len(d.Ignored) != 1 || !strings.Contains(d.Ignored[0], "time_exit") {
					t.Errorf("time exit %v, ignored %q", d.TimeExit, d.Ignored)
				}
			}},
		{name: "cooldown unreadable is ignored", args: `{"decisions":[{` + okOpen + `,"cooldown_until":"in 3 invocations","time_exit":12}]}`,
			check: func(t *testing.T, d OpenDecision) {
				if !d.CooldownUntil.IsZero() || len(d.Ignored) != 2 {
					t.Errorf("cooldown %v, ignored %q", d.CooldownUntil, d.Ignored)
				}
			}},
		{name: "empty invalidation", args: `{"decisions":[{` + okOpen + `,"invalidation_condition":"  "}]}`, itemCode: CodeOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			decs, rejs, top := ParseCreatePosition([]byte(tt.args), knownMarkets(), parseNow)
			if tt.topCode != "" {
				if top == nil || top.Code != tt.topCode || top.Reason != arena.FailureInvalidArguments {
					t.Fatalf("top rejection = %v, want %s", top, tt.topCode)
				}
				return
			}
			if top != nil {
				t.Fatalf("unexpected top rejection %v", top)
			}
			if tt.itemCode != "" {
				if rejs[0] == nil || rejs[0].Code != tt.itemCode {
					t.Fatalf("item rejection = %v, want %s", rejs[0], tt.itemCode)
				}
				return
			}
			if rejs[0] != nil {
				t.Fatalf("unexpected item rejection %v", rejs[0])
			}
			tt.check(t, decs[0])
		})
	}
}

func TestOptionalTimePhrasings(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"24h": 24 * time.Hour, "Close if held > 24h": 24 * time.Hour, "close if held > 24 hours": 24 * time.Hour,
		"in 2 days": 48 * time.Hour, "1h30m": 90 * time.Minute, "PT36H": 36 * time.Hour, "P1DT12H": 36 * time.Hour,
		"1 day 6 hours": 30 * time.Hour, "exit after 90 min": 90 * time.Minute, "1 week": 7 * 24 * time.Hour,
		"2025-11-21T18:00:00Z": 9 * time.Hour, "2025-11-21 18:00 UTC": 9 * time.Hour, "2025-11-21T20:00:00+02:00": 9 * time.Hour,
		"2025-11-21T18:00": 9 * time.Hour,
	} {
		raw := `{"decisions":[{` + okOpen + `,"time_exit":` + strconv.Quote(in) + `}]}`
		decs, rejs, top := ParseCreatePosition([]byte(raw), knownMarkets(), parseNow)
		if top != nil || rejs[0] != nil {
			t.Errorf("%q: rejected %v %v", in, top, rejs[0])
			continue
		}
		if got := decs[0].TimeExit.Sub(parseNow); got != want || len(decs[0].Ignored) != 0 {
			t.Errorf("%q: in %v (ignored %q), want %v", in, got, decs[0].Ignored, want)
		}
	}
	for _, in := range []string{"when the trend ends", "2 dollars", "soon", "P", "held 0h"} {
		if _, ok := parseWhen(in, parseNow); ok {
			t.Errorf("%q was read as a time", in)
		}
	}
}

func TestParseOtherTools(t *testing.T) {
	known := knownMarkets()
	syms, rejs, top := ParseClosePosition([]byte(`{"symbols":["ETH","PEPE"]}`), known)
	if top != nil || syms[0] != "ETH" || rejs[0] != nil || rejs[1] == nil || rejs[1].Code != CodeUnknownSymbol {
		t.Errorf("close: %v %v %v", syms, rejs, top)
	}
	ups, rejs, top := ParseUpdateExitPlan([]byte(`{"updates":[{"symbol":"SOL","new_stop_loss":140.5,"reason":"trail"},{"symbol":"BTC","new_stop_loss":1,"reason":"x"}]}`), known)
	if top != nil || rejs[0] != nil || ups[0].NewStopLoss != arena.MustFixed("140.5") || ups[0].NewTarget != 0 {
		t.Errorf("update: %+v %v %v", ups, rejs, top)
	}
	if rejs[1] == nil || rejs[1].Code != CodeOutOfRange {
		t.Errorf("short reason: %v", rejs[1])
	}
	if _, rej := ParseHolding([]byte(`{"reason":"flat market"}`)); rej != nil {
		t.Errorf("holding: %v", rej)
	}
	if _, rej := ParseHolding([]byte(`{"reason":"x","extra":1}`)); rej == nil || rej.Code != CodeUnknownField {
		t.Errorf("holding extra field: %v", rej)
	}
}
