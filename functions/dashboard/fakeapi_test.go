package dashboard

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeAPI serves canned oRPC responses and SSE streams in the shapes of
// autonome-behaviour.md §5, generated deterministically: 3 LLMs and one
// baseline, each as 7 variant accounts. It stands in for the API and the
// relay in the browser tests and, through TestServeFake, for manual looks
// at the dashboard.
//
// Every object it answers an RPC with is a copy of one in the real API's
// golden files (golden_shape_test.go) with the fake's values set, so it
// has every field the real API sends, and nothing else, each of the same
// JSON kind; what it sets that the golden files do not show lands in
// drift, which the tests fail on (TestFakeAPIMatchesGoldenFiles, and each
// browser test at its end). Procedures it serves without a golden file,
// written by hand, are listed in fakeWithoutGolden: none today. The relay's SSE payloads have no golden files:
// the positions, trades and conversations snapshots reuse the RPC answers'
// objects, the prices, portfolio and workflow ones are written by hand.
//
// Shapes come from the golden files, values stay the fake's own: its
// baselines, for one, sit in every variant where the real API's read
// "baseline", so that each variant's view has a yardstick.
type fakeAPI struct {
	goldens  goldens
	drift    *driftLog
	copilot  http.Handler // serves /api/chat when set
	now      time.Time
	start    time.Time
	accounts []fakeAccount
	history  map[string][][2]float64 // account id -> [unix ms, equity]
	trades   []map[string]any
	chats    []map[string]any

	// dropFirst names channels whose first connection is closed right
	// after its snapshot, to exercise reconnection.
	dropFirst map[string]bool
	// afterConnect holds extra events sent on a channel's first connection
	// after the snapshot.
	afterConnect map[string][]fakeEvent

	// tickPrices makes the prices stream move every second after its
	// snapshot (off in tests, which check the snapshot's prices).
	tickPrices bool
	// failRPC makes every procedure answer 500, as an API whose database
	// is down would.
	failRPC atomic.Bool
	// immature lists the accounts the leaderboard flags as below the
	// minimum record.
	immature map[string]bool

	mu       sync.Mutex
	calls    map[string]int
	inputs   map[string][]json.RawMessage
	connects map[string]int
	done     chan struct{}
}

type fakeAccount struct {
	ID, Name, Router, Variant, Kind string
	Capital                         float64 // models.getModels' initialCapital; 10 000 when zero
}

type fakeEvent struct {
	Type string
	Data any
}

var fakeVariants = []struct{ ID, Label, Color, Desc string }{
	{"Guardian", "Guardian (Fortress)", "#a855f7", "Capital preservation."},
	{"Apex", "Apex (Kelly Engine)", "#f59e0b", "Aggressive momentum."},
	{"Gladiator", "Gladiator (Tournament)", "#22c55e", "Game theory."},
	{"Sniper", "Sniper (Precision)", "#3b82f6", "Confluence only."},
	{"Trendsurfer", "Trendsurfer (Momentum)", "#06b6d4", "Rides trends."},
	{"Contrarian", "Contrarian (Reverter)", "#e11d48", "Mean reversion."},
	{"Sovereign", "Sovereign (Adaptive)", "#eab308", "Regime-adaptive."},
}

// hostileText is model output that would run script if the page inserted
// it as markup.
const hostileText = `Closing SOL. <img src=x onerror="document.body.dataset.pwned='img'"><script>document.body.dataset.pwned='script'</script> "quoted" & 'single' </details></article>` + " \u202eTROHS\u202c"

var fakePrices = map[string]float64{"BTC": 97000.1, "ETH": 3412.55, "SOL": 182.431}

// newFakeAPI returns a fake answering from the golden files in goldenDir.
func newFakeAPI(now time.Time) *fakeAPI {
	g, err := defaultGoldens()
	f := newFakeAPIFrom(now, g)
	if err != nil {
		f.drift.add("%v", err)
	}
	return f
}

func newFakeAPIFrom(now time.Time, g goldens) *fakeAPI {
	f := &fakeAPI{
		goldens:      g,
		drift:        &driftLog{},
		now:          now.Truncate(time.Minute),
		history:      map[string][][2]float64{},
		dropFirst:    map[string]bool{},
		afterConnect: map[string][]fakeEvent{},
		calls:        map[string]int{},
		inputs:       map[string][]json.RawMessage{},
		connects:     map[string]int{},
		done:         make(chan struct{}),
	}
	f.start = f.now.Add(-72 * time.Hour)
	models := []struct{ name, router, kind string }{
		{"deepseek-v3.1-terminus", "deepseek-ai/deepseek-v3.1-terminus", ""},
		{"kimi-k2-thinking", "moonshotai/kimi-k2-thinking", ""},
		{"minimax-m2", "minimaxai/minimax-m2", ""},
		{"hold-btc", "baseline/hold-btc", "baseline"},
	}
	for _, m := range models {
		for _, v := range fakeVariants {
			f.accounts = append(f.accounts, fakeAccount{ID: "m-" + m.name + "-" + strings.ToLower(v.ID), Name: m.name, Router: m.router, Variant: v.ID, Kind: m.kind})
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for i, a := range f.accounts {
		v, drift, vol := 10000.0, (float64(i%7)-3)*0.35, 14.0
		if a.Kind == "baseline" {
			drift, vol = 0.5, 22
		}
		for t := f.start; !t.After(f.now); t = t.Add(30 * time.Minute) {
			f.history[a.ID] = append(f.history[a.ID], [2]float64{float64(t.UnixMilli()), math.Round(v*100) / 100})
			v += drift + rng.NormFloat64()*vol
		}
	}
	syms := []string{"BTC", "ETH", "SOL"}
	for i := range 60 {
		a := f.accounts[rng.IntN(21)]
		sym := syms[rng.IntN(3)]
		side := []string{"long", "short"}[rng.IntN(2)]
		entry := fakePrices[sym] * (1 + (rng.Float64()-0.5)*0.04)
		exit := entry * (1 + (rng.Float64()-0.48)*0.03)
		qty := math.Round(2000/entry*1e4) / 1e4
		pnl := (exit - entry) * qty
		if side == "short" {
			pnl = -pnl
		}
		closed := f.now.Add(-time.Duration(i*67+5) * time.Minute)
		opened := closed.Add(-time.Duration(20+rng.IntN(600)) * time.Minute)
		fees := round((entry+exit)*qty*0.00035, 2)
		trade := f.golden("trading.getTrades", ".trades[]")
		if i%3 != 0 { // closed by the model, not by its exit plan
			trade = trade.without("closeTrigger")
		}
		f.trades = append(f.trades, trade.with(map[string]any{
			"id": fmt.Sprintf("trade-%03d", i), "modelId": a.ID, "modelName": a.Name, "modelVariant": a.Variant, "modelRouterName": a.Router,
			"modelKey": a.Router, "side": side, "symbol": sym, "entryPrice": round(entry, 2), "exitPrice": round(exit, 2), "quantity": qty,
			"netPnl": round(pnl, 2), "openedAt": opened.Format(time.RFC3339), "closedAt": closed.Format(time.RFC3339),
			"holdingTime": holding(closed.Sub(opened)), "timestamp": closed.Format(time.RFC3339),
			"entryNotional": round(entry*qty, 2), "exitNotional": round(exit*qty, 2), "grossPnl": round(pnl+fees, 2), "fees": fees, "fundingPnl": 0,
			"leverage": 1 + i%5, "closeTrigger": []string{"TARGET", "STOP"}[i%2], "kind": cmp.Or(a.Kind, "llm"),
		}))
	}
	for i := range 30 {
		a := f.accounts[(i*5)%21]
		ts := f.now.Add(-time.Duration(i*11+1) * time.Minute)
		f.chats = append(f.chats, f.chat(i, a, ts, rng))
	}
	return f
}

func (f *fakeAPI) chat(i int, a fakeAccount, ts time.Time, rng *rand.Rand) map[string]any {
	sym := []string{"BTC", "ETH", "SOL"}[i%3]
	resp := fmt.Sprintf("%s on the 4h is holding above EMA20 with RSI14 at %.1f; funding is flat. Opening a small %s with the stop under the last swing low and a 2R target.", sym, 48+rng.Float64()*20, []string{"long", "short"}[i%2])
	call := f.golden("models.getInvocations", ".conversations[].toolCalls[]")
	calls := []any{}
	switch i % 4 {
	case 0, 2:
		d := map[string]any{"symbol": sym, "side": []string{"LONG", "SHORT"}[i%2], "quantity": round(1500/fakePrices[sym], 4), "leverage": 3, "profitTarget": round(fakePrices[sym]*1.03, 2), "stopLoss": round(fakePrices[sym]*0.985, 2), "invalidationCondition": "4h close below EMA20", "confidence": 62 + i%20}
		r := map[string]any{"symbol": sym, "success": i%8 != 2, "entryPrice": fakePrices[sym]}
		if i%8 == 2 {
			r["error"] = "insufficient available cash"
		}
		calls = append(calls, call.with(map[string]any{"id": fmt.Sprintf("tc-%d", i), "type": "CREATE_POSITION", "metadata": map[string]any{"raw": "", "decisions": []any{d}, "results": []any{r}},
			"timestamp": ts.Format(time.RFC3339), "success": i%8 != 2}))
	case 1:
		raw, _ := json.Marshal(map[string]any{"action": "holding", "reason": "No setup with R:R above 1.5; staying flat."})
		calls = append(calls, call.with(map[string]any{"id": fmt.Sprintf("tc-%d", i), "type": "HOLDING", "metadata": map[string]any{"raw": string(raw), "decisions": []any{}, "results": []any{}},
			"timestamp": ts.Format(time.RFC3339), "success": true}))
		resp = "Holding. Nothing meets the entry rules this cycle."
	case 3:
		resp = hostileText
		calls = append(calls, call.with(map[string]any{"id": fmt.Sprintf("tc-%d", i), "type": "CLOSE_POSITION", "metadata": map[string]any{"raw": "", "decisions": []any{},
			"results": []any{map[string]any{"symbol": "SOL", "success": true, "exitPrice": 181.2, "realizedPnl": -12.4}}}, "timestamp": ts.Format(time.RFC3339), "success": true}))
	}
	return f.golden("models.getInvocations", ".conversations[]").without("failureReason").with(map[string]any{
		"id": fmt.Sprintf("inv-%03d", i), "modelId": a.ID, "modelName": a.Name, "modelVariant": a.Variant, "modelLogo": "", "response": resp, "timestamp": ts.Format(time.RFC3339),
		"responsePayload": map[string]any{"reasoning": "Trend intact on 4h; 5m momentum fading. Sizing at 1% risk.", "usage": map[string]any{"inputTokens": 5210 + i, "outputTokens": 640, "totalTokens": 5850 + i}, "finishReason": "tool-calls", "totalSteps": 2},
		"toolCalls":       calls, "status": "success", "inputTokens": 5210 + i, "outputTokens": 640, "costUsd": round(float64(5850+i)*1e-6, 6), "latencyMs": 3200 + i*10,
	})
}

func round(v float64, dp int) float64 {
	p := math.Pow(10, float64(dp))
	return math.Round(v*p) / p
}

func holding(d time.Duration) string {
	m := int(d.Minutes())
	if m >= 1440 {
		return fmt.Sprintf("%dD %dH %dM", m/1440, m%1440/60, m%60)
	}
	if m >= 60 {
		return fmt.Sprintf("%dH %dM", m/60, m%60)
	}
	return fmt.Sprintf("%dM", m)
}

func (f *fakeAPI) variantOK(v, filter string) bool {
	return filter == "" || filter == "all" || v == filter
}

// ServeHTTP routes /api/rpc/... and /api/events/....
func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/api/chat" && f.copilot != nil:
		f.copilot.ServeHTTP(w, r)
	case strings.HasPrefix(r.URL.Path, "/api/rpc/"):
		f.serveRPC(w, r)
	case strings.HasPrefix(r.URL.Path, "/api/events/"):
		f.serveSSE(w, r, strings.TrimPrefix(r.URL.Path, "/api/events/"))
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeAPI) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

func (f *fakeAPI) serveRPC(w http.ResponseWriter, r *http.Request) {
	proc := strings.TrimPrefix(r.URL.Path, "/api/rpc/")
	var env struct {
		JSON json.RawMessage `json:"json"`
	}
	if r.Method != http.MethodPost {
		writeRPCError(w, http.StatusMethodNotAllowed, "METHOD_NOT_SUPPORTED", "use POST")
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&env); err != nil && err.Error() != "EOF" {
		writeRPCError(w, http.StatusBadRequest, "BAD_REQUEST", "body is not an oRPC envelope")
		return
	}
	f.mu.Lock()
	f.calls[proc]++
	f.inputs[proc] = append(f.inputs[proc], env.JSON)
	f.mu.Unlock()
	if f.failRPC.Load() {
		writeRPCError(w, http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "database <unavailable>")
		return
	}
	var in map[string]any
	_ = json.Unmarshal(env.JSON, &in)
	str := func(k string) string { s, _ := in[k].(string); return s }
	out, meta, ok := f.procedure(proc, in, str)
	if !ok {
		writeRPCError(w, http.StatusNotFound, "NOT_FOUND", "no procedure "+proc)
		return
	}
	if !f.goldens.has(proc) && fakeWithoutGolden[proc] == "" {
		f.drift.add("%s: the fake serves it, but no golden file holds its answer (add one, or list it in fakeWithoutGolden)", proc)
	}
	if e, isErr := out.(rpcError); isErr {
		writeRPCError(w, e.status, e.code, e.message)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"json": out, "meta": meta})
}

// fakeWithoutGolden lists the procedures the fake serves that no golden
// file shows, and why; their answers are written by hand. Serving one not
// listed here is drift.
var fakeWithoutGolden = map[string]string{}

// rpcError is an answer the fake gives as an oRPC error.
type rpcError struct {
	status        int
	code, message string
}

func writeRPCError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"json": map[string]any{"defined": false, "code": code, "status": status, "message": msg}, "meta": []any{}})
}

func (f *fakeAPI) procedure(proc string, in map[string]any, str func(string) string) (out any, meta []any, ok bool) {
	meta = []any{}
	switch proc {
	case "trading/getCryptoPrices":
		price := f.golden("trading.getCryptoPrices", ".prices[]")
		ps := []any{}
		for _, sym := range []string{"BTC", "ETH", "SOL"} {
			ps = append(ps, price.with(map[string]any{"symbol": sym, "price": fakePrices[sym]}))
		}
		return f.answer("trading.getCryptoPrices", map[string]any{"prices": ps}), meta, true
	case "models/getModels":
		model := f.golden("models.getModels", ".models[]")
		ms := []any{}
		for _, a := range f.accounts {
			m := map[string]any{"id": a.ID, "name": a.Name, "variant": a.Variant, "openRouterModelName": a.Router, "provider": "nim",
				"kind": cmp.Or(a.Kind, "llm"), "active": true, "initialCapital": cmp.Or(a.Capital, 10000)}
			if a.Kind == "baseline" {
				m["provider"] = "baseline"
			}
			if a.Name == "kimi-k2-thinking" && a.Variant == "Sniper" { // a seat the worker has no key for
				m["runStatus"], m["runHint"] = "no_key", "no API key: set NIM_API_KEY in the worker's environment and restart it"
			}
			ms = append(ms, model.with(m))
		}
		return f.answer("models.getModels", map[string]any{"models": ms}), meta, true
	case "variants/getVariants":
		variant := f.golden("variants.getVariants", ".variants[]")
		vs := []any{}
		for _, v := range fakeVariants {
			vs = append(vs, variant.with(map[string]any{"id": v.ID, "label": v.Label, "description": v.Desc, "temperature": 0, "color": v.Color}))
		}
		return f.answer("variants.getVariants", map[string]any{"variants": vs}), meta, true
	case "trading/getPortfolioHistory":
		return f.portfolioHistory(str("variant"), str("startDate")), meta, true
	case "trading/getPositions":
		return f.answer("trading.getPositions", map[string]any{"positions": f.positions(str("variant"))}), meta, true
	case "trading/getTrades":
		ts := []any{}
		for _, t := range f.trades {
			if f.variantOK(t["modelVariant"].(string), str("variant")) {
				ts = append(ts, t)
			}
		}
		return f.answer("trading.getTrades", map[string]any{"trades": ts}), meta, true
	case "models/getInvocations":
		return f.answer("models.getInvocations", map[string]any{"conversations": f.chats}), meta, true
	case "analytics/getLeaderboard":
		out := f.leaderboard(str("window"), str("variant"))
		if str("seasonId") == "s-demo" { // a stored season: its first entrant repeated five times
			out["window"] = "season"
			out["entries"].([]any)[0].(map[string]any)["repeats"] = fakeRepeats()
		}
		return f.answer("analytics.getLeaderboard", out), meta, true
	case "analytics/getComparison":
		out := f.comparison(str("a"), str("b"), str("window"))
		if out == nil {
			return rpcError{http.StatusNotFound, "NOT_FOUND", "model does not exist"}, meta, true
		}
		if str("seasonId") == "s-demo" { // a stored season with five repeats of A
			out["seasonId"], out["window"] = "s-demo", "season"
			out["repeats"] = map[string]any{"a": fakeRepeats(), "b": nil}
		}
		return f.answer("analytics.getComparison", out), meta, true
	case "analytics/getModelStats":
		return f.modelStats(str("mode"), str("variant")), meta, true
	case "analytics/getRunInfo":
		return f.answer("analytics.getRunInfo", map[string]any{"runStartTime": f.start.Format(time.RFC3339Nano)}), []any{[]any{1, "runStartTime"}}, true
	case "analytics/getFailures":
		return f.failures(str("variant"))
	case "variants/getVariantStats":
		return f.variantStats(), meta, true
	case "variants/getVariantHistory":
		return f.answer("variants.getVariantHistory", f.variantHistory(str("window"))), meta, true
	}
	return nil, nil, false
}

// answer is the golden answer in file with the fake's members set.
func (f *fakeAPI) answer(file string, over map[string]any) map[string]any {
	return f.golden(file, "").with(over)
}

// fakeRepeats is a stored season's entrant's returns over five repeats.
// No golden file has one (fakeDrift).
func fakeRepeats() map[string]any {
	return map[string]any{"runs": []any{-1.2, 0.4, 1.1, 2.5, 0.9}, "mean": 0.74, "sd": 1.34, "min": -1.2, "max": 2.5,
		"interval": map[string]any{"lo": -0.3, "hi": 1.8}}
}

func (f *fakeAPI) portfolioHistory(variant, startDate string) map[string]any {
	from := time.Time{}
	if t, err := time.Parse(time.RFC3339Nano, startDate); err == nil {
		from = t
	}
	point := f.golden("trading.getPortfolioHistory.aggregate", ".history[]")
	hs := []any{}
	for _, a := range f.accounts {
		if !f.variantOK(a.Variant, variant) {
			continue
		}
		model := map[string]any{"name": a.Name, "variant": a.Variant, "openRouterModelName": a.Router, "kind": cmp.Or(a.Kind, "llm")}
		for i, p := range f.history[a.ID] {
			t := time.UnixMilli(int64(p[0])).UTC()
			if t.Before(from) {
				continue
			}
			hs = append(hs, point.with(map[string]any{"id": fmt.Sprintf("%s-%d", a.ID, i), "modelId": a.ID, "netPortfolio": fmt.Sprintf("%.2f", p[1]),
				"createdAt": t.Format(time.RFC3339), "updatedAt": t.Format(time.RFC3339), "model": model}))
		}
	}
	return f.answer("trading.getPortfolioHistory.aggregate", map[string]any{"history": hs, "resolution": "15m"})
}

func (f *fakeAPI) positions(variant string) []any {
	account, position := f.golden("trading.getPositions", ".positions[]"), f.golden("trading.getPositions", ".positions[].positions[]")
	out := []any{}
	for i, a := range f.accounts {
		if !f.variantOK(a.Variant, variant) {
			continue
		}
		ps := []any{}
		total, used := 0.0, 0.0
		for j, sym := range []string{"BTC", "ETH", "SOL"} {
			if (i+j)%4 != 0 || a.Kind == "baseline" && sym != "BTC" {
				continue
			}
			px := fakePrices[sym]
			entry := px * (1 - 0.004*float64(j+1))
			qty := round(2500/px, 4)
			side := []string{"LONG", "SHORT"}[(i+j)%2]
			u := (px - entry) * qty
			if side == "SHORT" {
				u = -u
			}
			lev := 2 + (i % 5)
			margin := round(entry*qty/float64(lev), 2)
			total, used = total+u, used+margin
			decided := f.now.Add(-time.Duration(i) * time.Minute).Format(time.RFC3339)
			ps = append(ps, position.with(map[string]any{"symbol": sym, "side": side, "quantity": qty, "entryPrice": round(entry, 2), "currentPrice": px, "unrealizedPnl": round(u, 2),
				"exitPlan": map[string]any{"target": round(px*1.04, 2), "stop": round(px*0.98, 2), "invalidation": map[string]any{"enabled": true, "message": "4h close back inside the range"}},
				"signal":   side, "leverage": lev, "confidence": 55 + i%30, "lastDecisionAt": decided, "decisionStatus": "active",
				"notional": round(px*qty, 2), "margin": margin, "fees": round(entry*qty*0.00035, 2), "fundingPnl": 0, "openedAt": decided}))
		}
		last := f.history[a.ID][len(f.history[a.ID])-1][1]
		out = append(out, account.with(map[string]any{"modelId": a.ID, "modelName": a.Name, "modelVariant": a.Variant, "modelLogo": "", "positions": ps,
			"totalUnrealizedPnl": round(total, 2), "availableCash": round(last*0.6, 2), "kind": cmp.Or(a.Kind, "llm"), "cash": round(last-total, 2), "equity": last,
			"usedMargin": round(used, 2)}))
	}
	return out
}

func windowDur(w string) time.Duration {
	switch w {
	case "24h":
		return 24 * time.Hour
	case "30d":
		return 30 * 24 * time.Hour
	}
	return 7 * 24 * time.Hour
}

func (f *fakeAPI) leaderboard(window, variant string) map[string]any {
	if window == "" {
		window = "7d"
	}
	from := f.now.Add(-windowDur(window))
	var es []map[string]any
	for i, a := range f.accounts {
		if !f.variantOK(a.Variant, variant) {
			continue
		}
		var pts []float64
		for _, p := range f.history[a.ID] {
			if !time.UnixMilli(int64(p[0])).Before(from) {
				pts = append(pts, p[1])
			}
		}
		start, end := pts[0], pts[len(pts)-1]
		peak, dd := start, 0.0
		for _, v := range pts {
			peak = math.Max(peak, v)
			dd = math.Max(dd, (peak-v)/peak*100)
		}
		e := map[string]any{"modelId": a.ID, "modelName": a.Name, "variant": a.Variant, "pnlPercent": round((end-start)/start*100, 2), "pnlAbsolute": round(end-start, 2),
			"maxDrawdown": round(dd, 2), "startValue": start, "endValue": end, "sharpe": round(float64(i%9)/4-0.6, 2), "sortino": round(float64(i%7)/3-0.4, 2),
			"profitFactor": round(0.7+float64(i%5)/4, 2), "feesPaid": round(8+float64(i%6)*2.5, 2), "fundingPaid": round(float64(i%5)-2.2, 2),
			"totalTokens": 180000 + i*3100, "failureRate": round(float64(i%6)*1.7, 1), "kind": "llm", "trades": 12 + i, "winRate": 38 + i%25, "decisions": 140 + i}
		cost := 0.0
		if a.Kind == "baseline" {
			e["kind"], e["totalTokens"] = "baseline", 0
			e["llmCostUsd"], e["costPerDecision"], e["pnlNetOfCost"] = 0.0, 0.0, round(end-start, 2)
		} else {
			cost = 1.2 + float64(i%7)*0.3
			e["llmCostUsd"], e["costPerDecision"], e["pnlNetOfCost"] = round(cost, 2), round(cost/150, 4), round(end-start-cost, 2)
		}
		pnl, net := e["pnlPercent"].(float64), round((end-start-cost)/start*100, 2)
		span := func(v, below, above float64) map[string]any {
			return map[string]any{"lo": round(v-below, 2), "hi": round(v+above, 2)}
		}
		e["pnlNetPercent"], e["immature"], e["recordDays"] = net, f.immature[a.ID], 7
		e["intervals"] = map[string]any{"pnlPercent": span(pnl, 1+float64(i%4), 1+float64(i%3)), "pnlNetPercent": span(net, 1+float64(i%4), 1+float64(i%3)),
			"sharpe": span(e["sharpe"].(float64), 0.8, 0.9), "sortino": span(e["sortino"].(float64), 1, 1.2), "maxDrawdown": span(dd, math.Min(dd, 1), 2)}
		es = append(es, e)
	}
	sort.SliceStable(es, func(i, j int) bool {
		x, y := es[i], es[j]
		if x["immature"] != y["immature"] {
			return y["immature"] == true
		}
		return x["pnlPercent"].(float64) > y["pnlPercent"].(float64)
	})
	entry := f.golden("analytics.getLeaderboard", ".entries[]")
	ranked := []any{}
	for i, e := range es {
		e["rank"] = i + 1
		ranked = append(ranked, entry.with(e))
	}
	return f.answer("analytics.getLeaderboard", map[string]any{"entries": ranked, "window": window, "intervals": f.intervals(true)})
}

// intervals is the bootstrap method behind the leaderboard's intervals and
// the comparison's pBeats.
func (f *fakeAPI) intervals(leaderboard bool) map[string]any {
	in := map[string]any{"method": "stationary bootstrap", "confidence": 0.95, "period": "4h", "blockLength": 4, "resamples": 1000, "seed": 1, "minTrades": 10, "minDays": 1}
	if leaderboard {
		return f.golden("analytics.getLeaderboard", ".intervals").with(in)
	}
	return f.golden("analytics.getComparison", ".intervals").with(in)
}

// comparison answers analytics.getComparison from the fake's histories:
// both equity series on their shared timestamps and a P(A beats B) made
// from their returns (a fixed function of them, not a bootstrap).
func (f *fakeAPI) comparison(a, b, window string) map[string]any {
	if window == "" {
		window = "7d"
	}
	from := f.now.Add(-windowDur(window))
	side, point := f.golden("analytics.getComparison", ".a"), f.golden("analytics.getComparison", ".a.equity[]")
	compared := func(id string) map[string]any {
		for _, acc := range f.accounts {
			if acc.ID != id {
				continue
			}
			eq := []any{}
			var first, last float64
			for _, p := range f.history[id] {
				if t := time.UnixMilli(int64(p[0])); !t.Before(from) {
					if first == 0 {
						first = p[1]
					}
					last = p[1]
					eq = append(eq, point.with(map[string]any{"time": t.UTC().Format(time.RFC3339), "value": p[1]}))
				}
			}
			return side.with(map[string]any{"modelId": id, "modelName": acc.Name, "variant": acc.Variant, "kind": cmp.Or(acc.Kind, "llm"),
				"pnlPercent": round((last-first)/first*100, 2), "equity": eq})
		}
		return nil
	}
	sa, sb := compared(a), compared(b)
	if sa == nil || sb == nil {
		return nil // the real API answers NOT_FOUND
	}
	p := round(0.5+math.Tanh((sa["pnlPercent"].(float64)-sb["pnlPercent"].(float64))/4)/2, 4)
	return map[string]any{"seasonId": "live", "window": window, "a": sa, "b": sb, "periods": len(sa["equity"].([]any)) - 1,
		"pBeats": p, "significant": p >= 0.975 || p <= 0.025, "intervals": f.intervals(false), "repeats": nil}
}

func (f *fakeAPI) modelStats(mode, variant string) map[string]any {
	file, list := "analytics.getModelStats", "overall"
	if mode == "advanced" {
		file, list = "analytics.getModelStats.advanced", "advanced"
	}
	row := f.golden(file, "."+list+"[]")
	rows := []any{}
	for i, a := range f.accounts {
		if !f.variantOK(a.Variant, variant) {
			continue
		}
		last := f.history[a.ID][len(f.history[a.ID])-1][1]
		base := map[string]any{"modelId": a.ID, "modelName": a.Name, "variant": a.Variant, "accountValue": last, "kind": cmp.Or(a.Kind, "llm")}
		if mode == "advanced" {
			for k, v := range map[string]any{"avgTradeSize": 1800 + i*20, "medianTradeSize": 1700 + i*15, "maxTradeSize": 4200 + i*40, "avgHoldTimeMinutes": 95 + i*3,
				"medianHoldTimeMinutes": 80 + i*2, "maxHoldTimeMinutes": 610 + i*9, "longPercent": 40 + i%30, "expectancy": round(float64(i%9)-3.5, 2),
				"avgLeverage": 2.5 + float64(i%4), "medianLeverage": 2 + float64(i%3), "maxLeverage": 5 + i%6, "avgConfidence": 61 + i%10, "medianConfidence": 60 + i%9,
				"maxConfidence": 85 + i%10, "failedWorkflowCount": i % 3, "failedToolCallCount": i % 4, "invocationCount": 140 + i, "failureRate": round(float64(i%3+i%4)/float64(140+i)*100, 2),
				"failedCount": i%3 + i%4, "tradesCount": 12 + i, "profitFactor": round(0.7+float64(i%5)/4, 2), "avgLatencyMs": 3200 + i*10} {
				base[k] = v
			}
		} else {
			for k, v := range map[string]any{"returnPercent": round((last-10000)/100, 2), "totalPnl": round(last-10000, 2), "winRate": 38 + i%25, "biggestWin": 120 + i*4,
				"biggestLoss": -(80 + float64(i*3)), "sharpeRatio": round(float64(i%9)/4-0.6, 2), "tradesCount": 12 + i,
				"sortinoRatio": round(float64(i%7)/3-0.4, 2), "profitFactor": round(0.7+float64(i%5)/4, 2), "feesPaid": round(8+float64(i%6)*2.5, 2),
				"fundingPaid": round(float64(i%5)-2.2, 2), "grossPnl": round(last-10000+8+float64(i%6)*2.5, 2), "decisions": 140 + i,
				"totalTokens": 180000 + i*3100, "llmCostUsd": 0, "costPerDecision": nil, "pnlNetOfCost": round(last-10000, 2), "failureRate": nil} {
				base[k] = v
			}
			if a.Kind != "baseline" { // as the leaderboard's costs
				cost := 1.2 + float64(i%7)*0.3
				base["llmCostUsd"], base["costPerDecision"], base["pnlNetOfCost"] = round(cost, 2), round(cost/150, 4), round(last-10000-cost, 2)
				base["failureRate"] = round(float64(i%6)*1.7, 1)
			} else {
				base["totalTokens"] = 0
			}
		}
		rows = append(rows, row.with(base))
	}
	return f.answer(file, map[string]any{list: rows})
}

func (f *fakeAPI) failures(variant string) (any, []any, bool) {
	reasons := []any{
		"timeout: model did not answer within 120s",
		map[string]any{"code": "invalid_tool_call", "message": "createPosition: leverage 25 outside 1-20"},
		nil,
		map[string]any{"code": "provider_error", "message": "HTTP 502 from provider after 3 attempts"},
	}
	failure, call, step := f.golden("analytics.getFailures", ".failures[]"), f.golden("analytics.getFailures", ".failures[].toolCalls[]"),
		f.golden("analytics.getFailures", ".failures[].stepTelemetry[]")
	fs, meta := []any{}, []any{}
	n := 0
	for i := range 12 {
		a := f.accounts[(i*4)%21]
		if !f.variantOK(a.Variant, variant) {
			continue
		}
		ts := f.now.Add(-time.Duration(i*47+3) * time.Minute)
		resp := "Trade workflow aborted: context deadline exceeded"
		if i == 5 {
			resp = hostileText
		}
		md, _ := json.Marshal(map[string]any{"decisions": []any{map[string]any{"symbol": "ETH", "side": "LONG", "quantity": 0.8, "leverage": 25}}, "results": []any{map[string]any{"symbol": "ETH", "success": false, "error": "leverage must be between 1 and 20"}}})
		fs = append(fs, failure.with(map[string]any{"invocationId": fmt.Sprintf("fail-%02d", i), "modelId": a.ID, "modelName": a.Name, "variant": a.Variant, "response": resp,
			"responsePayload": map[string]any{"failureReason": "timeout", "result": nil}, "createdAt": ts.Format(time.RFC3339Nano),
			"toolCalls": []any{call.with(map[string]any{"id": fmt.Sprintf("ftc-%d", i), "toolCallType": "CREATE_POSITION", "metadata": string(md),
				"createdAt": ts.Format(time.RFC3339Nano), "success": false})},
			"failureReason": reasons[i%4], "failureSource": "tool_call", "failedToolCalls": 1,
			"stepTelemetry": []any{step.with(map[string]any{"stepNumber": 1, "toolNames": []string{"createPosition"}, "inputTokens": 5100, "outputTokens": 220,
				"totalTokens": 5320, "timestamp": ts.Format(time.RFC3339)})},
			"totalSteps": 1, "totalInputTokens": 5100, "totalOutputTokens": 220, "costUsd": 0.0053, "latencyMs": 4100 + i*100}))
		meta = append(meta, []any{1, "failures", n, "createdAt"}, []any{1, "failures", n, "toolCalls", 0, "createdAt"})
		n++
	}
	stat := f.golden("analytics.getFailures", ".modelStats[]")
	stats := []any{}
	for i, a := range f.accounts {
		if f.variantOK(a.Variant, variant) && a.Kind == "" {
			stats = append(stats, stat.with(map[string]any{"modelId": a.ID, "modelName": a.Name, "variant": a.Variant, "failedWorkflowCount": i % 3, "failedToolCallCount": i % 4,
				"failedCount": i%3 + i%4, "invocationCount": 140 + i, "failureRate": round(float64(i%3+i%4)/float64(140+i)*100, 2), "kind": "llm"}))
		}
	}
	return f.answer("analytics.getFailures", map[string]any{"failures": fs, "modelStats": stats}), meta, true
}

func (f *fakeAPI) variantStats() map[string]any {
	stat := f.golden("variants.getVariantStats", ".stats[]")
	out := []any{}
	for i, v := range fakeVariants {
		out = append(out, stat.with(map[string]any{"variantId": v.ID, "label": v.Label, "color": v.Color, "totalTrades": 20 + i*3, "winRate": 41 + float64(i)*2.5,
			"totalPnl": round(float64(i-3)*84.3, 2), "avgPnl": round(float64(i-3)*2.1, 2), "modelCount": 4, "decisions": 560 + i*4,
			"feesPaid": round(40+float64(i)*3.2, 2), "llmCostUsd": round(4.5+float64(i)*0.6, 2)}))
	}
	return f.answer("variants.getVariantStats", map[string]any{"stats": out})
}

func (f *fakeAPI) variantHistory(window string) map[string]any {
	from := f.now.Add(-windowDur(window))
	hour := func(ms float64) int64 { return int64(ms) / 3600000 * 3600000 }
	variant, point := f.golden("variants.getVariantHistory", ".variants[]"), f.golden("variants.getVariantHistory", ".aggregate[]")
	vs := []any{}
	agg := map[int64][]float64{}
	for _, v := range fakeVariants {
		sums := map[int64][]float64{}
		for _, a := range f.accounts {
			if a.Variant != v.ID {
				continue
			}
			for _, p := range f.history[a.ID] {
				if !time.UnixMilli(int64(p[0])).Before(from) {
					sums[hour(p[0])] = append(sums[hour(p[0])], p[1])
				}
			}
		}
		keys := slices.Sorted(maps.Keys(sums))
		hist := []any{}
		for _, k := range keys {
			m := mean(sums[k])
			hist = append(hist, point.with(map[string]any{"timestamp": time.UnixMilli(k).UTC().Format(time.RFC3339), "value": round(m, 2)}))
			agg[k] = append(agg[k], m)
		}
		vs = append(vs, variant.with(map[string]any{"variantId": v.ID, "label": v.Label, "color": v.Color, "history": hist}))
	}
	aggregate := []any{}
	for _, k := range slices.Sorted(maps.Keys(agg)) {
		aggregate = append(aggregate, point.with(map[string]any{"timestamp": time.UnixMilli(k).UTC().Format(time.RFC3339), "value": round(mean(agg[k]), 2)}))
	}
	return map[string]any{"variants": vs, "aggregate": aggregate}
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// serveSSE writes a snapshot, any queued first-connection events, then
// price ticks (prices channel) and comment heartbeats until the client or
// the fake goes away.
func (f *fakeAPI) serveSSE(w http.ResponseWriter, r *http.Request, channel string) {
	snap, ok := f.snapshot(channel)
	if !ok {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	f.connects[channel]++
	first := f.connects[channel] == 1
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	seq := 0
	send := func(typ string, data any) bool {
		b, _ := json.Marshal(data)
		seq++
		_, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", seq, typ, b)
		return err == nil && rc.Flush() == nil
	}
	fmt.Fprint(w, "retry: 300\n\n")
	if !send("snapshot", snap) {
		return
	}
	if first && f.dropFirst[channel] {
		return
	}
	if first {
		for _, ev := range f.afterConnect[channel] {
			select {
			case <-time.After(150 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
			if !send(ev.Type, ev.Data) {
				return
			}
		}
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	px := map[string]float64{"BTC": 97123.45, "ETH": fakePrices["ETH"], "SOL": fakePrices["SOL"]}
	for n := 0; ; n++ {
		select {
		case <-r.Context().Done():
			return
		case <-f.done:
			return
		case <-tick.C:
		}
		if channel == "prices" && f.tickPrices {
			var ps []any
			for _, s := range []string{"BTC", "ETH", "SOL"} {
				px[s] *= 1 + rng.NormFloat64()*0.0004
				ps = append(ps, map[string]any{"symbol": s, "price": round(px[s], 3), "time": time.Now().UTC().Format(time.RFC3339Nano)})
			}
			if !send("prices", map[string]any{"prices": ps}) {
				return
			}
		} else if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
			return
		}
	}
}

func (f *fakeAPI) snapshot(channel string) (any, bool) {
	switch channel {
	case "prices":
		return map[string]any{"prices": []any{map[string]any{"symbol": "BTC", "price": 97123.45, "time": f.now.Format(time.RFC3339)},
			map[string]any{"symbol": "ETH", "price": fakePrices["ETH"], "time": f.now.Format(time.RFC3339)},
			map[string]any{"symbol": "SOL", "price": fakePrices["SOL"], "time": f.now.Format(time.RFC3339)}}}, true
	case "positions":
		return f.positions(""), true
	case "trades":
		return f.trades, true
	case "conversations":
		return f.chats, true
	case "portfolio":
		return map[string]any{"snapshotsCreated": 28, "lastUpdatedAt": f.now.Format(time.RFC3339)}, true
	case "workflow":
		return map[string]any{"type": "connected", "timestamp": f.now.Format(time.RFC3339)}, true
	}
	return nil, false
}

// newTrade is a trade the fake pushes over SSE only, never through RPC.
func (f *fakeAPI) newTrade(id string) map[string]any {
	a := f.accounts[0]
	ts := time.Now().UTC().Format(time.RFC3339)
	return f.golden("trading.getTrades", ".trades[]").without("closeTrigger").with(map[string]any{"id": id, "modelId": a.ID, "modelName": a.Name,
		"modelVariant": a.Variant, "modelRouterName": a.Router, "modelKey": a.Router, "symbol": "BTC", "side": "long", "quantity": 0.02,
		"entryPrice": 96500.0, "exitPrice": 97100.0, "entryNotional": 1930.0, "exitNotional": 1942.0, "grossPnl": 12.0, "fees": 0.0, "fundingPnl": 0.0, "netPnl": 12.0,
		"leverage": 1, "openedAt": ts, "closedAt": ts, "holdingTime": "2H 5M", "timestamp": ts, "kind": "llm"})
}

func (f *fakeAPI) close() { close(f.done) }
