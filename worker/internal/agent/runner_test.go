package agent_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

const interval = 5 * time.Minute

// start builds a runner over a and runs its event feed until the test ends.
func start(t *testing.T, a *agenttest.Arena, seats []llm.Seat, mod func(*agent.Options)) *agent.Runner {
	t.Helper()
	o := agent.Options{Trader: a.Exchange, History: a.History, Store: a.Store, Reader: a.Reader, Events: a.Events,
		Seats: seats, Interval: interval, Log: a.Log}
	if mod != nil {
		mod(&o)
	}
	r, err := agent.New(testenv.Context(t, 30*time.Second), o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("runner: %v", err)
		}
	})
	return r
}

func slotNow() time.Time { return time.Now().UTC().Truncate(interval) }

type invocationRow struct {
	status, failureReason, slot string
	payload                     map[string]json.RawMessage
	calls                       []string // type:success
}

func invocations(t *testing.T, a *agenttest.Arena, modelID string) []invocationRow {
	t.Helper()
	ctx := testenv.Context(t, 10*time.Second)
	rows, err := a.Pool.Query(ctx, `
		SELECT i."status", coalesce(i."failureReason", ''), i."cycleSlot", coalesce(i."responsePayload", '{}'),
		       coalesce((SELECT array_agg(tc."toolCallType"::text || ':' || tc."success"::text ORDER BY tc."createdAt", tc."id")
		                 FROM "ToolCalls" tc WHERE tc."invocationId" = i."id"), '{}')
		FROM "Invocations" i WHERE i."modelId" = $1 ORDER BY i."createdAt"`, modelID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []invocationRow
	for rows.Next() {
		var r invocationRow
		var payload []byte
		if err := rows.Scan(&r.status, &r.failureReason, &r.slot, &payload, &r.calls); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(payload, &r.payload); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func modelCounters(t *testing.T, a *agenttest.Arena, id string) arena.AgentModel {
	t.Helper()
	ms, err := a.Store.AgentModels(testenv.Context(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no model %s", id)
	return arena.AgentModel{}
}

// events waits until ch has at least n events and returns them.
func events(t *testing.T, a *agenttest.Arena, ch arena.Channel, n int) []arena.Event {
	t.Helper()
	ctx := testenv.Context(t, 10*time.Second)
	for {
		evs, _, err := a.Events.Since(ctx, ch, arena.EventIDZero, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) >= n {
			return evs
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: %d events, want %d", ch, len(evs), n)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestBaselineDecisionTradesAndRecords(t *testing.T) {
	roster := arena.DefaultRoster()[21:] // the five baselines
	a := agenttest.NewArena(t, roster)
	r := start(t, a, agenttest.BaselineSeats(t, roster), nil)
	ctx := testenv.Context(t, 60*time.Second)
	m := a.Model(t, "buy-and-hold-btc", arena.Guardian)
	slot := slotNow()

	out, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != agent.Succeeded || out.InvocationID == "" {
		t.Fatalf("outcome %+v", out)
	}
	rows := invocations(t, a, m.ID)
	if len(rows) != 1 {
		t.Fatalf("%d invocations", len(rows))
	}
	inv := rows[0]
	if inv.status != "success" || inv.slot != slot.Format(time.RFC3339) {
		t.Fatalf("invocation %s slot %s", inv.status, inv.slot)
	}
	if got := strings.Join(inv.calls, ","); got != "CREATE_POSITION:true,HOLDING:true" {
		t.Fatalf("tool calls %s", got)
	}
	for _, k := range []string{"prompt", "decisions", "executionResults", "finishReason", "usage", "stepTelemetry",
		"totalSteps", "totalInputTokens", "totalOutputTokens", "failureReason", "systemPrompt", "toolCalls", "costUsd", "latencyMs"} {
		if _, ok := inv.payload[k]; !ok {
			t.Errorf("responsePayload lacks %q", k)
		}
	}
	if string(inv.payload["failureReason"]) != "null" || !strings.Contains(string(inv.payload["prompt"]), "== MARKET DATA ==") {
		t.Errorf("payload failureReason %s, prompt %.80s", inv.payload["failureReason"], inv.payload["prompt"])
	}
	var results []struct {
		Symbol  string      `json:"symbol"`
		Success bool        `json:"success"`
		Price   arena.Fixed `json:"price"`
	}
	if err := json.Unmarshal(inv.payload["executionResults"], &results); err != nil || len(results) != 1 || !results[0].Success || results[0].Price <= 0 {
		t.Fatalf("execution results %s (%v)", inv.payload["executionResults"], err)
	}

	// The trade happened in the simulator and reached the database.
	var side, qty string
	if err := a.Pool.QueryRow(ctx, `SELECT "side"::text, "quantity"::text FROM "Orders" WHERE "modelId" = $1 AND "symbol" = 'BTC' AND "status" = 'OPEN'`,
		m.ID).Scan(&side, &qty); err != nil {
		t.Fatalf("no open BTC position row: %v", err)
	}
	acct, _ := a.Exchange.Snapshot(m.ID)
	if side != "LONG" || len(acct.Positions) != 1 || acct.Positions[0].Quantity.String() != strings.TrimRight(strings.TrimRight(qty, "0"), ".") {
		t.Fatalf("position %s %s, account %+v", side, qty, acct.Positions)
	}
	if c := modelCounters(t, a, m.ID); c.InvocationCount != 1 || c.FailedWorkflowCount != 0 || c.FailedToolCallCount != 0 {
		t.Fatalf("counters %+v", c)
	}

	// Events: the conversation (and the state holding it), then the
	// workflow events of the model.
	conv := events(t, a, arena.ChannelConversations, 1)
	var item agent.Conversation
	if err := json.Unmarshal(conv[0].Data, &item); err != nil {
		t.Fatal(err)
	}
	if conv[0].Type != arena.EventConversationsUpdated || item.ID != out.InvocationID || item.ModelName != "buy-and-hold-btc" ||
		len(item.ToolCalls) != 2 || item.ToolCalls[0].Type != "CREATE_POSITION" || len(item.ToolCalls[0].Metadata.Decisions) != 1 ||
		item.Status != "success" || item.ModelLogo != "baseline/buy-and-hold-btc" {
		t.Fatalf("conversation event %s", conv[0].Data)
	}
	state, _, err := a.Events.State(ctx, arena.ChannelConversations)
	if err != nil {
		t.Fatal(err)
	}
	var list []agent.Conversation
	if err := json.Unmarshal(state, &list); err != nil || len(list) != 1 || list[0].ID != out.InvocationID {
		t.Fatalf("conversations state %s (%v)", state, err)
	}
	wf := events(t, a, arena.ChannelWorkflow, 4)
	var types []string
	for _, e := range wf {
		types = append(types, e.Type)
	}
	if got := strings.Join(types, ","); got != "positions:changed,trades:changed,conversations:changed,workflow:complete" {
		t.Fatalf("workflow events %s", got)
	}

	// The same decision again is refused: it is recorded already.
	again, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot})
	if err != nil || again.Status != agent.Succeeded || again.Detail != "already decided" {
		t.Fatalf("repeated decision: %+v, %v", again, err)
	}
	if n := len(invocations(t, a, m.ID)); n != 1 {
		t.Fatalf("%d invocations after a repeat", n)
	}
}

// countingHistory counts the candle requests reaching the history.
type countingHistory struct {
	marketdata.History
	candles atomic.Int64
}

func (h *countingHistory) Candles(ctx context.Context, s arena.Symbol, res time.Duration, n int) ([]arena.Candle, error) {
	h.candles.Add(1)
	return h.History.Candles(ctx, s, res, n)
}

// Every model of a cycle sees the same market intelligence, built once.
func TestCycleDataIsBuiltOncePerSlot(t *testing.T) {
	roster := arena.DefaultRoster()[21:]
	a := agenttest.NewArena(t, roster)
	h := &countingHistory{History: a.History}
	r := start(t, a, agenttest.BaselineSeats(t, roster), func(o *agent.Options) { o.History = h })
	ctx := testenv.Context(t, 60*time.Second)
	slot := slotNow()
	var wg sync.WaitGroup
	for _, m := range a.Models {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot}); err != nil || out.Status != agent.Succeeded {
				t.Errorf("%s: %+v, %v", m.Name, out, err)
			}
		}()
	}
	wg.Wait()
	if got, want := h.candles.Load(), int64(2*len(a.Exchange.Markets())); got != want {
		t.Fatalf("%d candle requests for %d decisions, want %d", got, len(a.Models), want)
	}
	// Every prompt of the slot shows the same market section.
	var markets []string
	rows, err := a.Pool.Query(ctx, `SELECT "responsePayload"->>'prompt' FROM "Invocations"`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		_, rest, _ := strings.Cut(p, "== MARKET DATA ==")
		section, _, _ := strings.Cut(rest, "== YOUR ACCOUNT ==")
		markets = append(markets, section)
	}
	if len(markets) != len(a.Models) || markets[0] == "" {
		t.Fatalf("%d prompts", len(markets))
	}
	for _, s := range markets[1:] {
		if s != markets[0] {
			t.Fatal("models of one cycle were shown different market data")
		}
	}
	// The next slot builds again.
	if _, err := r.Decide(ctx, agent.Decision{ModelID: a.Models[0].ID, Slot: slot.Add(interval)}); err != nil {
		t.Fatal(err)
	}
	if got := h.candles.Load(); got != int64(4*len(a.Exchange.Markets())) {
		t.Fatalf("%d candle requests after a second slot", got)
	}
}

// chatArena is one LLM model (deepseek under Apex) with a scripted provider.
func chatArena(t *testing.T, replies ...llmtest.Reply) (*agenttest.Arena, *agent.Runner, arena.AgentModel, *llmtest.Server) {
	t.Helper()
	entry := arena.DefaultRoster()[1] // deepseek, Apex
	a := agenttest.NewArena(t, []arena.RosterEntry{entry})
	srv := llmtest.NewServer(t, replies...)
	r := start(t, a, []llm.Seat{agenttest.ChatSeat(t, entry, srv.BaseURL())}, nil)
	return a, r, a.Models[0], srv
}

func holding() llmtest.Reply {
	return llmtest.Reply{Calls: []llmtest.Call{{Name: "holding", Arguments: `{"reason":"nothing to do"}`}}, PromptTokens: 1000, OutputTokens: 50}
}

// A second decision of a model while one runs is skipped, not run beside it.
func TestOverlappingDecisionOfAModelIsSkipped(t *testing.T) {
	slow := holding()
	slow.Stall = 1500 * time.Millisecond
	a, r, m, _ := chatArena(t, slow)
	ctx := testenv.Context(t, 60*time.Second)
	slot := slotNow()

	first := make(chan agent.Outcome, 1)
	go func() {
		out, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot})
		if err != nil {
			t.Error(err)
		}
		first <- out
	}()
	testenv.WaitFor(t, 10*time.Second, func() error {
		if rows := invocations(t, a, m.ID); len(rows) != 1 || rows[0].status != "running" {
			return errors.New("the first decision never started")
		}
		return nil
	})
	second, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot.Add(interval)})
	if err != nil {
		t.Fatal(err)
	}
	if second.Status != agent.Skipped || !strings.Contains(second.Detail, "still running") {
		t.Fatalf("overlapping decision: %+v", second)
	}
	if out := <-first; out.Status != agent.Succeeded {
		t.Fatalf("first decision: %+v", out)
	}
	rows := invocations(t, a, m.ID)
	if len(rows) != 1 || rows[0].status != "success" {
		t.Fatalf("invocations %+v", rows)
	}
}

func TestProviderFailuresAreRecordedAndClassified(t *testing.T) {
	cases := []struct {
		name      string
		reply     llmtest.Reply
		retryable bool
		code      string
	}{
		{"rate limited", llmtest.Reply{Status: 429, Body: `{"error":{"message":"slow down"}}`, Header: map[string]string{"Retry-After": "7"}}, true, "http_429"},
		{"server error", llmtest.Reply{Status: 503, Body: `{"error":{"message":"overloaded"}}`}, true, "http_503"},
		{"bad key", llmtest.Reply{Status: 401, Body: `{"error":{"message":"invalid key"}}`}, false, "http_401"},
		{"empty reply", llmtest.Reply{Content: llmtest.Text("")}, false, "empty_reply"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, r, m, _ := chatArena(t, tc.reply)
			out, err := r.Decide(testenv.Context(t, 60*time.Second), agent.Decision{ModelID: m.ID, Slot: slotNow()})
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != agent.Failed || out.Retryable != tc.retryable || out.Failure == nil || out.Failure.Code != tc.code {
				t.Fatalf("outcome %+v (failure %+v)", out, out.Failure)
			}
			if tc.code == "http_429" && out.RetryAfter != 7*time.Second {
				t.Fatalf("retry after %v", out.RetryAfter)
			}
			rows := invocations(t, a, m.ID)
			if len(rows) != 1 || rows[0].status != "failed" || rows[0].failureReason == "" {
				t.Fatalf("rows %+v", rows)
			}
			if c := modelCounters(t, a, m.ID); c.FailedWorkflowCount != 1 || c.InvocationCount != 0 {
				t.Fatalf("counters %+v", c)
			}
		})
	}
}

// openArgs is a createPosition call the Apex limits accept at price.
func openArgs(price arena.Fixed, extra string) string {
	p := price.Float64()
	return fmt.Sprintf(`{"decisions":[{"symbol":"BTC","side":"LONG","quantity":0.001,"leverage":2,"profit_target":%.1f,"stop_loss":%.1f,
		"invalidation_condition":"trend breaks","confidence":70%s}]}`, p*1.03, p*0.98, extra)
}

func btcPrice(t *testing.T, a *agenttest.Arena) arena.Fixed {
	t.Helper()
	for _, p := range a.Exchange.Prices() {
		if p.Symbol == "BTC" {
			return p.Price
		}
	}
	t.Fatal("no BTC price")
	return 0
}

// A transient failure after a trade executed must not be retried: the
// retry would trade again.
func TestTransientFailureAfterATradeIsNotRetryable(t *testing.T) {
	entry := arena.DefaultRoster()[1]
	a := agenttest.NewArena(t, []arena.RosterEntry{entry})
	srv := llmtest.NewServer(t,
		llmtest.Reply{Calls: []llmtest.Call{{Name: "createPosition", Arguments: openArgs(btcPrice(t, a), "")}}},
		llmtest.Reply{Status: 503, Body: `{"error":{"message":"overloaded"}}`})
	r := start(t, a, []llm.Seat{agenttest.ChatSeat(t, entry, srv.BaseURL())}, nil)
	m := a.Models[0]
	out, err := r.Decide(testenv.Context(t, 60*time.Second), agent.Decision{ModelID: m.ID, Slot: slotNow()})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != agent.Failed || out.Retryable {
		t.Fatalf("outcome %+v", out)
	}
	rows := invocations(t, a, m.ID)
	if len(rows) != 1 || strings.Join(rows[0].calls, ",") != "CREATE_POSITION:true" {
		t.Fatalf("rows %+v", rows)
	}
	if acct, _ := a.Exchange.Snapshot(m.ID); len(acct.Positions) != 1 {
		t.Fatalf("positions %+v", acct.Positions)
	}
}

// A cooldown a decision sets is enforced on the model's later decisions.
func TestCooldownCarriesToLaterDecisions(t *testing.T) {
	entry := arena.DefaultRoster()[1]
	a := agenttest.NewArena(t, []arena.RosterEntry{entry})
	price := btcPrice(t, a)
	until := time.Now().UTC().Add(2 * time.Hour).Truncate(time.Second).Format(time.RFC3339)
	srv := llmtest.NewServer(t,
		llmtest.Reply{Calls: []llmtest.Call{{Name: "createPosition", Arguments: openArgs(price, `,"cooldown_until":"`+until+`"`)}}},
		holding(),
		llmtest.Reply{Calls: []llmtest.Call{{Name: "createPosition", Arguments: openArgs(price, "")}}},
		holding())
	r := start(t, a, []llm.Seat{agenttest.ChatSeat(t, entry, srv.BaseURL())}, nil)
	m := a.Models[0]
	ctx := testenv.Context(t, 60*time.Second)
	slot := slotNow()
	for i := range 2 {
		if out, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot.Add(time.Duration(i) * interval)}); err != nil || out.Status != agent.Succeeded {
			t.Fatalf("decision %d: %+v, %v", i, out, err)
		}
	}
	rows := invocations(t, a, m.ID)
	if len(rows) != 2 || strings.Join(rows[1].calls, ",") != "CREATE_POSITION:false,HOLDING:true" {
		t.Fatalf("rows %+v", rows)
	}
	var res []struct {
		Code string `json:"code"`
	}
	if err := json.Unmarshal(rows[1].payload["executionResults"], &res); err != nil || len(res) != 1 || res[0].Code != "cooldown" {
		t.Fatalf("second decision results %s", rows[1].payload["executionResults"])
	}
	if c := modelCounters(t, a, m.ID); c.FailedToolCallCount != 1 || c.InvocationCount != 2 {
		t.Fatalf("counters %+v", c)
	}
}

// A model's next decision is shown its previous one: what it decided per
// symbol and what became of it, and the intent behind its open position.
func TestLaterDecisionsSeeEarlierOnes(t *testing.T) {
	entry := arena.DefaultRoster()[1]
	a := agenttest.NewArena(t, []arena.RosterEntry{entry})
	btc := btcPrice(t, a).Float64()
	args := fmt.Sprintf(`{"decisions":[
		{"symbol":"BTC","side":"LONG","quantity":0.001,"leverage":2,"profit_target":%.1f,"stop_loss":%.1f,"invalidation_condition":"trend breaks","confidence":70},
		{"symbol":"ETH","side":"SHORT","quantity":100000,"leverage":2,"profit_target":1,"stop_loss":1000000,"invalidation_condition":"x","confidence":40}]}`,
		btc*1.03, btc*0.98)
	srv := llmtest.NewServer(t, llmtest.Reply{Calls: []llmtest.Call{{Name: "createPosition", Arguments: args}}}, holding(), holding())
	r := start(t, a, []llm.Seat{agenttest.ChatSeat(t, entry, srv.BaseURL())}, nil)
	m := a.Models[0]
	ctx := testenv.Context(t, 60*time.Second)
	slot := slotNow()
	for i := range 2 {
		if out, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot.Add(time.Duration(i) * interval)}); err != nil || out.Status != agent.Succeeded {
			t.Fatalf("decision %d: %+v, %v", i, out, err)
		}
	}
	rows := invocations(t, a, m.ID)
	if len(rows) != 2 {
		t.Fatalf("%d invocations", len(rows))
	}
	prompts := make([]string, 2)
	for i, row := range rows {
		if err := json.Unmarshal(row.payload["prompt"], &prompts[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(prompts[0], "newest first) ==\nno decisions yet\n") {
		t.Errorf("the first decision's prompt shows decisions:\n%s", prompts[0])
	}
	_, section, _ := strings.Cut(prompts[1], "newest first) ==\n")
	section, _, _ = strings.Cut(section, "\n\n")
	lines := strings.Split(section, "\n")
	if len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "BTC: signal = LONG, side = LONG, quantity = 0.001, leverage = 2x, confidence = 70, stop_loss = ") ||
		!strings.Contains(lines[0], "decision_status = executed, last_decision_at = ") ||
		!strings.HasPrefix(lines[1], "ETH: signal = SHORT, side = SHORT, quantity = 100000, leverage = 2x, confidence = 40, ") ||
		!strings.Contains(lines[1], "decision_status = rejected (") || !strings.HasSuffix(lines[1], " min ago)") {
		t.Errorf("the second decision's prompt shows:\n%s", section)
	}
	if !strings.Contains(prompts[1], "  intent: signal = LONG, confidence = 70, decision_status = executed, last_decision_at = ") {
		t.Errorf("the BTC position has no intent line:\n%s", prompts[1])
	}
}
