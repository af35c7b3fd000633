package prompt

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"encoding/json"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
	"github.com/autonome-go/autonome/worker/internal/indicators"
)

var update = flag.Bool("update", false, "rewrite golden files")

var now = time.Date(2025, 11, 21, 10, 5, 0, 0, time.UTC)

func candles(n int, step time.Duration, base float64) []arena.Candle {
	out := make([]arena.Candle, n)
	prev := base
	start := now.Add(-time.Duration(n) * step)
	for i := range out {
		c := base + base*0.01*math.Sin(float64(i)/5) + float64(i)*base*0.0002
		out[i] = arena.Candle{Start: start.Add(time.Duration(i) * step), Open: prev, Close: c,
			High: math.Max(prev, c) + base*0.001, Low: math.Min(prev, c) - base*0.001, Volume: 10 + float64(i%7)}
		prev = c
	}
	return out
}

func snapshot(t testing.TB) *indicators.Snapshot {
	var in []indicators.Input
	for _, m := range []struct {
		sym  arena.Symbol
		base float64
	}{{"BTC", 65000}, {"ETH", 3200}, {"SOL", 150}} {
		in = append(in, indicators.Input{Symbol: m.sym, Intraday: candles(180, 5*time.Minute, m.base), HigherTF: candles(90, 4*time.Hour, m.base),
			Stats: arena.MarketStats{Symbol: m.sym, MarkPrice: arena.MustFixed("100.5"), FundingRate: arena.MustFixed("0.0000125"),
				OpenInterest: arena.MustFixed("1234.5"), DailyVolume: arena.MustFixed("98765432"), DailyChange: arena.MustFixed("-1.25")}})
	}
	s, err := indicators.Build(now, in)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func userData(t testing.TB, v arena.Variant) UserData {
	pos := arena.PositionSnapshot{Position: arena.Position{Symbol: "BTC", Side: arena.Long, Status: arena.PositionOpen,
		Quantity: arena.MustFixed("0.05"), EntryPrice: arena.FixedInt(64000), Leverage: arena.FixedInt(3), Margin: arena.MustFixed("1066.67"),
		OpenedAt: now.Add(-3 * time.Hour), ExitPlan: arena.ExitPlan{Stop: arena.FixedInt(63000), Target: arena.FixedInt(68000),
			Invalidation: "4h close below ema20", TimeExit: now.Add(20 * time.Hour), Confidence: 0.65}},
		Mark: arena.FixedInt(65000), Notional: arena.FixedInt(3250), UnrealizedPnL: arena.FixedInt(50)}
	return UserData{
		Now: now, StartedAt: now.Add(-36 * time.Hour), Invocations: 431, IntervalMinutes: 5, InitialCapital: arena.FixedInt(10000),
		Account: arena.AccountSnapshot{Equity: arena.MustFixed("10250.5"), Available: arena.MustFixed("9183.83"),
			UnrealizedPnL: arena.FixedInt(50), RealizedPnL: arena.MustFixed("200.5"), Positions: []arena.PositionSnapshot{pos}},
		Market:      snapshot(t),
		Performance: Performance{TotalReturnPct: 2.505, SharpeRatio: 1.234, SharpeKnown: true},
		Competition: Competition{Variant: v, LeaderGapPP: 1.5,
			Standings:       []Standing{{1, "kimi-k2-thinking", 4.0, false}, {2, "deepseek-v3.1-terminus", 2.5, true}, {3, "minimax-m2", -3.25, false}},
			LeaderPositions: []CompetitorPosition{{"kimi-k2-thinking", "ETH", arena.Short, arena.FixedInt(5)}}},
		Limits:    decision.VariantRiskLimits(v),
		Decisions: decisions(),
	}
}

// decisions is a decision index: one held, one rejected and the executed
// open behind the BTC position, newest first.
func decisions() []Decision {
	return []Decision{
		{Symbol: "SOL", Signal: "HOLD", Confidence: 40, HasConfidence: true, Status: Held, At: now.Add(-5 * time.Minute)},
		{Symbol: "ETH", Signal: "SHORT", Side: arena.Short, Quantity: arena.FixedInt(1), Leverage: arena.FixedInt(5), Confidence: 55,
			HasConfidence: true, Stop: arena.FixedInt(3350), Target: arena.FixedInt(3100), Status: Rejected,
			Reason: "max_risk: risks 2.45% of portfolio_value, over the 2% limit", At: now.Add(-10 * time.Minute)},
		{Symbol: "BTC", Signal: "LONG", Side: arena.Long, Quantity: arena.MustFixed("0.05"), Leverage: arena.FixedInt(3), Confidence: 65,
			HasConfidence: true, Stop: arena.FixedInt(63000), Target: arena.FixedInt(68000), Status: Executed, At: now.Add(-3 * time.Hour)},
	}
}

func systemData(v arena.Variant) SystemData {
	return SystemData{Name: "deepseek-v3.1-terminus", Symbols: []arena.Symbol{"BTC", "ETH", "SOL"}, IntervalMinutes: 5, Limits: decision.VariantRiskLimits(v)}
}

func defaultSet(t testing.TB) *Set {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// toolVocabulary is every tool and argument name the models are offered.
func toolVocabulary(t *testing.T) map[string]bool {
	words := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok {
				for k := range props {
					words[k] = true
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, spec := range decision.Tools([]arena.Symbol{"BTC"}, decision.DefaultRiskLimits()) {
		words[spec.Name] = true
		var schema any
		if err := json.Unmarshal(spec.Parameters, &schema); err != nil {
			t.Fatal(err)
		}
		walk(schema)
	}
	return words
}

var backticked = regexp.MustCompile("`([^`]+)`")

// A system prompt may name only data the user prompt supplies or the tools
// accept: every backticked name must be a tool name, a tool argument, or a
// label printed (as a whole word) in a rendered user prompt.
func TestSystemPromptsAskOnlyForSuppliedData(t *testing.T) {
	set := defaultSet(t)
	tools := toolVocabulary(t)
	for _, v := range arena.Variants() {
		user, err := set.User(userData(t, v.ID))
		if err != nil {
			t.Fatal(err)
		}
		sys, err := set.System(v.ID, systemData(v.ID))
		if err != nil {
			t.Fatal(err)
		}
		names := backticked.FindAllStringSubmatch(sys, -1)
		if len(names) < 20 {
			t.Errorf("%s: only %d data names; the prompt should reference its data by label", v.ID, len(names))
		}
		for _, m := range names {
			name := m[1]
			if tools[name] {
				continue
			}
			if !regexp.MustCompile(`(^|[^a-z0-9_])` + regexp.QuoteMeta(name) + `([^a-z0-9_]|$)`).MatchString(user) {
				t.Errorf("%s system prompt names `%s`, which the user prompt does not supply", v.ID, name)
			}
		}
	}
}

// The reference's personas demanded Ichimoku, VWAP and ADX that were never
// supplied. No prompt may mention an indicator the data does not contain.
func TestNoUnsuppliedIndicators(t *testing.T) {
	forbidden := regexp.MustCompile(`(?i)\b(ichimoku|vwap|adx|bollinger|bbands?|supertrend|kijun|tenkan|stochastic|obv|fibonacci|keltner|donchian|parabolic|cci|mfi|williams)\b`)
	set := defaultSet(t)
	for _, v := range arena.Variants() {
		sys, err := set.System(v.ID, systemData(v.ID))
		if err != nil {
			t.Fatal(err)
		}
		if m := forbidden.FindAllString(sys, -1); len(m) > 0 {
			t.Errorf("%s system prompt mentions %v", v.ID, m)
		}
	}
}

func TestSystemPromptsStateTheEnforcedLimits(t *testing.T) {
	set := defaultSet(t)
	for _, v := range arena.Variants() {
		sys, err := set.System(v.ID, systemData(v.ID))
		if err != nil {
			t.Fatal(err)
		}
		l := decision.VariantRiskLimits(v.ID)
		for _, want := range []string{
			"Leverage at most " + l.MaxLeverage.String() + "x",
			"Risk at most " + l.MaxRiskPerTradePct.String() + "%",
			"at most " + l.MaxGrossExposurePct.String() + "% of",
			"At least " + l.MinFreeCash.String() + " USD",
			v.Label,
		} {
			if !strings.Contains(sys, want) {
				t.Errorf("%s system prompt lacks %q", v.ID, want)
			}
		}
		if strings.Contains(sys, "<no value>") {
			t.Errorf("%s: unfilled template value", v.ID)
		}
	}
}

func TestUserPromptTimesAreUTC(t *testing.T) {
	ist := time.FixedZone("IST", 5*3600+1800)
	d := userData(t, arena.Guardian)
	d.Now = now.In(ist)
	d.Account.Positions[0].OpenedAt = d.Account.Positions[0].OpenedAt.In(ist)
	user, err := defaultSet(t).User(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"It is 2025-11-21 10:05:00 UTC.", "opened 2025-11-21 07:05:00 UTC", "time_exit = 2025-11-22 06:05:00 UTC", "Market data as of 2025-11-21 10:05:00 UTC"} {
		if !strings.Contains(user, want) {
			t.Errorf("user prompt lacks %q", want)
		}
	}
	if strings.Contains(user, "IST") || strings.Contains(user, "+0530") || strings.Contains(user, "15:35") {
		t.Error("user prompt shows a non-UTC time")
	}
	if got := strings.Count(user, "UTC"); got < 5 {
		t.Errorf("only %d UTC labels", got)
	}
}

func TestUserPromptGolden(t *testing.T) {
	user, err := defaultSet(t).User(userData(t, arena.Gladiator))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"risk_usd = 100 (0.98% of portfolio), reward_usd = 150, rr_ratio = 1.50", "#2 deepseek-v3.1-terminus +2.50% (you)",
		"exposure_to_equity_pct = 31.71", "sharpe_ratio = 1.23", "leaders' open positions: kimi-k2-thinking ETH SHORT 5x"} {
		if !strings.Contains(user, want) {
			t.Errorf("user prompt lacks %q", want)
		}
	}
	path := filepath.Join("testdata", "user.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(user), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if user != string(want) {
		t.Fatalf("user prompt differs from %s (run with -update after review):\n%s", path, user)
	}
}

func TestEmptyAccountAndNoHistory(t *testing.T) {
	d := userData(t, arena.Sovereign)
	d.Account = arena.AccountSnapshot{Equity: arena.FixedInt(10000), Available: arena.FixedInt(10000)}
	d.Performance = Performance{}
	d.Competition = Competition{Variant: arena.Sovereign}
	d.StartedAt = time.Time{}
	d.Decisions = nil
	user, err := defaultSet(t).User(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"open_positions = 0", "== OPEN POSITIONS ==\nnone", "sharpe_ratio = N/A", "no standings yet", "leaders' open positions: none",
		"newest first) ==\nno decisions yet\n"} {
		if !strings.Contains(user, want) {
			t.Errorf("user prompt lacks %q", want)
		}
	}
}

func TestRecentDecisions(t *testing.T) {
	d := userData(t, arena.Apex)
	eth := d.Account.Positions[0]
	eth.Symbol, eth.OpenedAt = "ETH", now
	ada := eth
	ada.Symbol = "ADA"
	d.Account.Positions = append(d.Account.Positions, eth, ada)
	d.Decisions[1].Reason = "cooldown:\nETH is in a cooldown\tyou set"
	d.Decisions[2].At = d.Decisions[2].At.In(time.FixedZone("IST", 5*3600+1800))
	user, err := defaultSet(t).User(d)
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(user, "== YOUR RECENT DECISIONS (latest per symbol, newest first) ==\n")
	section, _, _ = strings.Cut(section, "\n\n")
	want := "SOL: signal = HOLD, side = none, quantity = 0, leverage = n/a, confidence = 40, stop_loss = none, profit_target = none, " +
		"decision_status = held, last_decision_at = 2025-11-21 10:00:00 UTC (5 min ago)\n" +
		"ETH: signal = SHORT, side = SHORT, quantity = 1, leverage = 5x, confidence = 55, stop_loss = 3350, profit_target = 3100, " +
		"decision_status = rejected (cooldown: ETH is in a cooldown you set), last_decision_at = 2025-11-21 09:55:00 UTC (10 min ago)\n" +
		"BTC: signal = LONG, side = LONG, quantity = 0.05, leverage = 3x, confidence = 65, stop_loss = 63000, profit_target = 68000, " +
		"decision_status = executed, last_decision_at = 2025-11-21 07:05:00 UTC (180 min ago)"
	if section != want {
		t.Errorf("decisions section:\n%s\nwant:\n%s", section, want)
	}
	for _, want := range []string{
		"  intent: signal = LONG, confidence = 65, decision_status = executed, last_decision_at = 2025-11-21 07:05:00 UTC (180 min ago)\n",
		"  intent: signal = SHORT, confidence = 55, decision_status = rejected (cooldown: ETH is in a cooldown you set), last_decision_at = 2025-11-21 09:55:00 UTC (10 min ago)\n",
		"ADA LONG", "  intent: no recorded decision\n",
	} {
		if !strings.Contains(user, want) {
			t.Errorf("user prompt lacks %q", want)
		}
	}

	// Only the latest DecisionsShown symbols are listed; an open position
	// still finds its intent beyond them.
	d.Decisions = nil
	for i := range DecisionsShown + 2 {
		d.Decisions = append(d.Decisions, Decision{Symbol: arena.Symbol("S" + strconv.Itoa(i)), Signal: "HOLD", Status: Held, At: now})
	}
	d.Decisions[DecisionsShown+1].Symbol = "ADA"
	if user, err = defaultSet(t).User(d); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(user, "last_decision_at = 2025-11-21 10:05:00 UTC (0 min ago)\n"); n != DecisionsShown+1 {
		t.Errorf("%d decision and intent lines, want %d listed and ADA's intent", n, DecisionsShown)
	}
	if strings.Contains(user, "S10:") || !strings.Contains(user, "S9:") || !strings.Contains(user, "  intent: signal = HOLD") {
		t.Error("the decisions beyond the first ten were listed, or the intent beyond them was lost")
	}
}

func TestLoadFromDirectory(t *testing.T) {
	files := fstest.MapFS{
		"shared.tmpl": {Data: []byte(`{{define "intro"}}I am {{.Name}}.{{end}}`)},
		"user.tmpl":   {Data: []byte(`time {{.CurrentTime}}`)},
	}
	for _, v := range arena.Variants() {
		files["system/"+strings.ToLower(string(v.ID))+".tmpl"] = &fstest.MapFile{Data: []byte(`{{template "intro" .}} ` + string(v.ID))}
	}
	set, err := Load(files)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := set.System(arena.Apex, SystemData{Name: "x"}); err != nil || got != "I am x. Apex" {
		t.Fatalf("system = %q, %v", got, err)
	}
	delete(files, "system/contrarian.tmpl")
	if _, err := Load(files); err == nil || !strings.Contains(err.Error(), "contrarian") {
		t.Fatalf("missing variant: %v", err)
	}
	files["system/contrarian.tmpl"] = &fstest.MapFile{Data: []byte(`{{.NoSuchField}}`)}
	set, err = Load(files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := set.System(arena.Contrarian, SystemData{}); err == nil {
		t.Fatal("a template naming a missing field rendered")
	}
	if _, err := set.System("Nonexistent", SystemData{}); arena.ErrorCode(err) != arena.CodeInvalid {
		t.Fatalf("unknown variant: %v", err)
	}
}

// The cycle's own overhead: one snapshot, then a system and a user prompt
// for each of the 21 LLM seats of the default roster.
func BenchmarkCycle21(b *testing.B) {
	set := defaultSet(b)
	var in []indicators.Input
	for _, sym := range []arena.Symbol{"BTC", "ETH", "SOL"} {
		in = append(in, indicators.Input{Symbol: sym, Intraday: candles(180, 5*time.Minute, 1000), HigherTF: candles(90, 4*time.Hour, 1000)})
	}
	var seats []arena.RosterEntry
	for _, e := range arena.DefaultRoster() {
		if e.Kind == arena.KindLLM {
			seats = append(seats, e)
		}
	}
	if len(seats) != 21 {
		b.Fatalf("%d seats", len(seats))
	}
	d := userData(b, arena.Guardian)
	b.ReportAllocs()
	for b.Loop() {
		snap, err := indicators.Build(now, in)
		if err != nil {
			b.Fatal(err)
		}
		d.Market = snap
		for _, s := range seats {
			sd := systemData(s.Variant)
			sd.Name = s.Name
			if _, err := set.System(s.Variant, sd); err != nil {
				b.Fatal(err)
			}
			d.Competition.Variant = s.Variant
			if _, err := set.User(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
