package agent

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

var update = flag.Bool("update", false, "rewrite golden files")

func fx(s string) arena.Fixed { return arena.MustFixed(s) }

// goldenTurn is a turn with every kind of tool call: an open with a
// cooldown and a rejected second decision, a close, an exit-plan update,
// an unknown tool and holding.
func goldenTurn() (*arena.Invocation, turnInfo) {
	at := time.Date(2026, 3, 2, 12, 5, 1, 250_000_000, time.UTC)
	fail := func(r arena.FailureReason, code, msg string) *arena.Failure {
		return &arena.Failure{Reason: r, Code: code, Message: msg}
	}
	inv := &arena.Invocation{
		ID: "inv-1", ModelID: "model-1", Provider: arena.ProviderNIM, ProviderModel: "deepseek-ai/deepseek-v3.1-terminus",
		SystemPrompt: "You are Apex.", UserPrompt: "== MARKET DATA ==\n…", Response: "Opened BTC, closed ETH.", Reasoning: "BTC trend is up.",
		Finish: arena.FinishHolding, Usage: arena.Usage{InputTokens: 3000, OutputTokens: 400, TotalTokens: 3400},
		CostUSD: fx("0.00121"), LatencyMS: 4200, StartedAt: at, ResponseID: "gen-3",
		Steps: []arena.StepTelemetry{
			{Step: 1, ToolNames: []string{"createPosition", "closePosition"}, Usage: arena.Usage{InputTokens: 1500, OutputTokens: 200, TotalTokens: 1700}, LatencyMS: 2000, Attempts: 1, FinishReason: "tool_calls", Time: at.Add(2 * time.Second)},
			{Step: 2, ToolNames: []string{"updateExitPlan", "buyEverything", "holding"}, Usage: arena.Usage{InputTokens: 1500, OutputTokens: 200, TotalTokens: 1700}, LatencyMS: 2100, Attempts: 1, FinishReason: "tool_calls", Time: at.Add(4 * time.Second)},
		},
		ToolCalls: []arena.ToolCall{
			{ID: "tc-1", InvocationID: "inv-1", CallID: "call_0", Step: 1, Type: arena.ToolCreatePosition, Name: "createPosition",
				Arguments: json.RawMessage(`{"decisions":[{"symbol":"BTC","side":"LONG","quantity":0.01,"leverage":3,"profit_target":99000,"stop_loss":96000,"invalidation_condition":"loses 96k","cooldown_until":"2026-03-02T14:00:00Z","time_exit":"24h","confidence":70},{"symbol":"SOL","side":"LONG","quantity":1000,"leverage":3,"profit_target":200,"stop_loss":150,"invalidation_condition":"x","confidence":50}]}`),
				Results: []arena.ToolResult{
					{Action: arena.ActionOpen, Symbol: "BTC", Side: arena.Long, Quantity: fx("0.01"), Leverage: fx("3"), StopLoss: fx("96000"), ProfitTarget: fx("99000"),
						Invalidation: "loses 96k", Confidence: 70, Success: true, FilledQty: fx("0.01"), FillPrice: fx("97012.5")},
					{Action: arena.ActionOpen, Symbol: "SOL", Side: arena.Long, Quantity: fx("1000"), Leverage: fx("3"), StopLoss: fx("150"), ProfitTarget: fx("200"),
						Invalidation: "x", Confidence: 50, Failure: fail(arena.FailureRiskRejected, "max_risk_per_trade", "risks too much")},
				},
				Output: "BTC LONG …", CreatedAt: at.Add(2 * time.Second)},
			{ID: "tc-2", InvocationID: "inv-1", CallID: "call_1", Step: 1, Type: arena.ToolClosePosition, Name: "closePosition",
				Arguments: json.RawMessage(`{"symbols":["ETH"]}`),
				Results: []arena.ToolResult{{Action: arena.ActionClose, Symbol: "ETH", Side: arena.Short, Quantity: fx("0.5"), Success: true,
					FilledQty: fx("0.5"), FillPrice: fx("3301.2"), RealizedPnL: fx("-12.34")}},
				Output: "ETH closed …", CreatedAt: at.Add(2 * time.Second)},
			{ID: "tc-3", InvocationID: "inv-1", CallID: "call_2", Step: 2, Type: arena.ToolUpdateExitPlan, Name: "updateExitPlan",
				Arguments: json.RawMessage(`{"updates":[{"symbol":"BTC","new_stop_loss":96500,"reason":"tighten"}]}`),
				Results: []arena.ToolResult{{Action: arena.ActionUpdateExitPlan, Symbol: "BTC", Side: arena.Long, Quantity: fx("0.01"),
					StopLoss: fx("96500"), ProfitTarget: fx("99000"), Reason: "tighten", Success: true}},
				Output: "BTC exit plan updated …", CreatedAt: at.Add(4 * time.Second)},
			{ID: "tc-4", InvocationID: "inv-1", CallID: "call_3", Step: 2, Type: arena.ToolUnknown, Name: "buyEverything",
				Arguments: json.RawMessage(`"not json"`), Output: "Rejected …",
				Failure: fail(arena.FailureParseError, "unknown_tool", `unknown tool "buyEverything"`), CreatedAt: at.Add(4 * time.Second)},
			{ID: "tc-5", InvocationID: "inv-1", CallID: "call_4", Step: 2, Type: arena.ToolHolding, Name: "holding",
				Arguments: json.RawMessage(`{"reason":"done"}`), Results: []arena.ToolResult{{Action: arena.ActionHold, Reason: "done", Success: true}},
				Output: "Holding. Turn ended.", CreatedAt: at.Add(4 * time.Second)},
		},
	}
	m := arena.AgentModel{Model: arena.Model{ID: "model-1", Name: "deepseek-v3.1-terminus", ProviderModel: "deepseek-ai/deepseek-v3.1-terminus",
		Variant: arena.Apex, Provider: arena.ProviderNIM, Kind: arena.KindLLM, Active: true}}
	return inv, turnInfo{model: m, cycleSlot: "2026-03-02T12:05:00Z", markets: marketMap(arena.DefaultMarkets()), began: at.Add(-time.Second),
		finished: at.Add(5 * time.Second)}
}

// The stored and published documents, as the API and the dashboard read
// them.
func TestRecordGolden(t *testing.T) {
	inv, ti := goldenTurn()
	rec, err := newRecord(inv, ti)
	if err != nil {
		t.Fatal(err)
	}
	if rec.row.FailedToolCalls != 2 || rec.row.Failure != nil || len(rec.row.ToolCalls) != 5 {
		t.Fatalf("row %+v", rec.row)
	}
	var oks []bool
	for _, tc := range rec.row.ToolCalls {
		oks = append(oks, tc.Success)
	}
	if diff := cmp.Diff([]bool{false, true, true, false, true}, oks); diff != "" {
		t.Fatalf("success flags (-want +got):\n%s", diff)
	}
	doc := map[string]any{}
	for _, tc := range rec.row.ToolCalls {
		doc["metadata:"+tc.ID] = json.RawMessage(tc.Metadata)
	}
	doc["responsePayload"] = json.RawMessage(rec.row.Payload)
	doc["conversation"] = rec.conversation
	got, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "record.golden.json", got)

	// The published payload leaves the prompts out.
	var light map[string]json.RawMessage
	if err := json.Unmarshal(rec.conversation.ResponsePayload, &light); err != nil {
		t.Fatal(err)
	}
	if string(light["systemPrompt"]) != `""` || string(light["prompt"]) != `""` || string(light["promptsOmitted"]) != "true" {
		t.Fatalf("light payload keeps prompts: %s", rec.conversation.ResponsePayload)
	}
}

func TestFailedTurnRecord(t *testing.T) {
	inv, ti := goldenTurn()
	inv.ToolCalls = inv.ToolCalls[:1]
	inv.Failure = &arena.Failure{Reason: arena.FailureTimeout, Code: "deadline", Message: "the turn ran out of time"}
	inv.Finish = arena.FinishFailed
	rec, err := newRecord(inv, ti)
	if err != nil {
		t.Fatal(err)
	}
	if rec.row.Failure == nil || *rec.row.Failure != arena.FailureTimeout || rec.conversation.Status != "failed" || rec.conversation.FailureReason != "timeout" {
		t.Fatalf("failed record %+v / %+v", rec.row, rec.conversation)
	}
	if want := "Decision failed (timeout/deadline): the turn ran out of time\n\nOpened BTC, closed ETH."; rec.row.Response != want {
		t.Fatalf("response %q", rec.row.Response)
	}
	var p struct {
		FailureReason string `json:"failureReason"`
		Error         string `json:"error"`
		Failure       struct{ Code string }
	}
	if err := json.Unmarshal(rec.row.Payload, &p); err != nil || p.FailureReason != "timeout" || p.Failure.Code != "deadline" || p.Error == "" {
		t.Fatalf("payload %s", rec.row.Payload)
	}
}

func TestCooldownsFromMetadata(t *testing.T) {
	inv, ti := goldenTurn()
	rec, err := newRecord(inv, ti)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)
	docs := pastDecisions([]arena.DecisionCall{{Metadata: rec.row.ToolCalls[0].Metadata}, {Metadata: "not json"},
		{Metadata: `{"decisions":[{"symbol":"ETH","cooldownUntil":"2026-03-02T20:00:00Z"}],"results":[{"action":"open","success":false}]}`}})
	got := cooldownsFrom(docs, now)
	want := map[arena.Symbol]time.Time{"BTC": time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if got := cooldownsFrom(docs, now.Add(2*time.Hour)); len(got) != 0 {
		t.Fatalf("expired cooldowns kept: %v", got)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Fatalf("%s differs (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}
