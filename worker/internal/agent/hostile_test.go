package agent_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
)

// rawCompletion is a completion written by hand, for escapes a Go string
// cannot hold (lone surrogates). content and args are JSON string bodies.
func rawCompletion(content, reasoning, args string) llmtest.Reply {
	return llmtest.Reply{Body: `{"id":"gen-raw","object":"chat.completion","choices":[{"index":0,"finish_reason":"tool_calls",
		"message":{"role":"assistant","content":"` + content + `","reasoning":"` + reasoning + `",
		"tool_calls":[{"id":"call_1","type":"function","function":{"name":"holding","arguments":"` + args + `"}}]}}],
		"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`}
}

// Text PostgreSQL refuses (NUL, lone surrogates, also inside the tool
// call's JSON arguments) is cleaned where it enters: the decision is
// recorded, nothing stays running, and the model's next decision runs.
func TestUnstorableModelTextIsRecorded(t *testing.T) {
	a, r, m, _ := chatArena(t,
		rawCompletion(`nul\u0000 lone\ud800 low\udc00 pair\ud83d\ude00 end`, `think\u0000`,
			`{\"reason\":\"x\\u0000y\\ud800z \\\\u0000 kept\"}`),
		holding())
	ctx := testenv.Context(t, 60*time.Second)
	slot := slotNow()
	out, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != agent.Succeeded {
		t.Fatalf("outcome %+v", out)
	}
	rows := invocations(t, a, m.ID)
	if len(rows) != 1 || rows[0].status != "success" || strings.Join(rows[0].calls, ",") != "HOLDING:true" {
		t.Fatalf("rows %+v", rows)
	}
	var resp, reasoning string
	json.Unmarshal(rows[0].payload["response"], &resp)
	json.Unmarshal(rows[0].payload["reasoning"], &reasoning)
	if resp != "nul\uFFFD lone\uFFFD low\uFFFD pair😀 end" || reasoning != "think\uFFFD" {
		t.Fatalf("stored response %q reasoning %q", resp, reasoning)
	}
	var md struct {
		Arguments struct{ Reason string } `json:"arguments"`
	}
	var raw string
	if err := a.Pool.QueryRow(ctx, `SELECT tc."metadata" FROM "ToolCalls" tc JOIN "Invocations" i ON i."id" = tc."invocationId" WHERE i."modelId" = $1`, m.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(raw), &md); err != nil || md.Arguments.Reason != "x\uFFFDy\uFFFDz \\u0000 kept" {
		t.Fatalf("stored arguments %s (%v)", raw, err)
	}
	next, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot.Add(interval)})
	if err != nil || next.Status != agent.Succeeded {
		t.Fatalf("next decision %+v (%v)", next, err)
	}
}

// A reply larger than the read limit is cut off and fails as too_large; one
// under the limit is stored and published as bounded excerpts with its
// size; either way nothing stays running and the next decision runs.
func TestOversizedRepliesAreBounded(t *testing.T) {
	huge := strings.Repeat("A", 5<<20)
	big := strings.Repeat("é", 200<<10) // 400 KiB of two-byte characters
	a, r, m, _ := chatArena(t,
		llmtest.Reply{Content: llmtest.Text(huge)},
		llmtest.Reply{Content: llmtest.Text(big), Reasoning: big,
			Calls: []llmtest.Call{{Name: "holding", Arguments: `{"reason":"` + strings.Repeat("r", 100<<10) + `"}`}}},
		holding(), // answers the rejected holding call
		holding())
	ctx := testenv.Context(t, 60*time.Second)
	slot := slotNow()

	out, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != agent.Failed || out.Failure == nil || out.Failure.Code != "too_large" {
		t.Fatalf("5 MiB reply: %+v", out)
	}
	out, err = r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot.Add(interval)})
	if err != nil {
		t.Fatal(err)
	}
	rows := invocations(t, a, m.ID)
	if len(rows) != 2 || rows[0].status != "failed" || rows[1].status == "running" {
		t.Fatalf("rows %+v", rows)
	}
	var rowSize, argSize int
	if err := a.Pool.QueryRow(ctx, `SELECT max(length(i."response") + length(i."responsePayload"::text)), coalesce(max(length(tc."metadata")), 0)
		FROM "Invocations" i LEFT JOIN "ToolCalls" tc ON tc."invocationId" = i."id" WHERE i."modelId" = $1`, m.ID).Scan(&rowSize, &argSize); err != nil {
		t.Fatal(err)
	}
	if rowSize > 4*arena.MaxStoredText+4*arena.MaxStoredArguments || argSize > 2*arena.MaxStoredArguments {
		t.Fatalf("stored sizes: invocation %d, tool call %d", rowSize, argSize)
	}
	p := rows[1].payload
	if string(p["responseBytes"]) != "409600" || string(p["reasoningBytes"]) != "409600" || string(p["truncated"]) != "true" {
		t.Fatalf("sizes not recorded: %s %s %s", p["responseBytes"], p["reasoningBytes"], p["truncated"])
	}
	evs := events(t, a, arena.ChannelConversations, 2)
	for _, e := range evs {
		if len(e.Data) > 4*arena.MaxPublishedText+4*arena.MaxPublishedArgs {
			t.Fatalf("conversation event of %d bytes", len(e.Data))
		}
	}
	if !strings.Contains(string(evs[1].Data), `"responseTruncated":true`) {
		t.Errorf("the cut response is not flagged in its event")
	}
	next, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot.Add(2 * interval)})
	if err != nil || next.Status != agent.Succeeded {
		t.Fatalf("next decision %+v (%v)", next, err)
	}
}

// An optional time phrased freely still trades: the reference's own
// prompts ask for "Close if held > 24h". One that cannot be read is left
// out, the trade goes ahead, and the tool result says so.
func TestFreelyPhrasedTimeExitTrades(t *testing.T) {
	for _, c := range []struct {
		name, timeExit string
		wantExit       bool
	}{
		{"reference phrasing", "Close if held > 24h", true},
		{"unreadable", "when momentum fades", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			entry := arena.DefaultRoster()[1]
			a := agenttest.NewArena(t, []arena.RosterEntry{entry})
			srv := llmtest.NewServer(t,
				llmtest.Reply{Calls: []llmtest.Call{{Name: "createPosition", Arguments: openArgs(btcPrice(t, a), `,"time_exit":"`+c.timeExit+`"`)}}},
				holding())
			r := start(t, a, []llm.Seat{agenttest.ChatSeat(t, entry, srv.BaseURL())}, nil)
			m := a.Models[0]
			ctx := testenv.Context(t, 60*time.Second)
			before := time.Now()
			out, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slotNow()})
			if err != nil || out.Status != agent.Succeeded {
				t.Fatalf("outcome %+v (%v)", out, err)
			}
			if rows := invocations(t, a, m.ID); strings.Join(rows[0].calls, ",") != "CREATE_POSITION:true,HOLDING:true" {
				t.Fatalf("tool calls %v", rows[0].calls)
			}
			acct, _ := a.Exchange.Snapshot(m.ID)
			if len(acct.Positions) != 1 {
				t.Fatalf("positions %+v", acct.Positions)
			}
			exit := acct.Positions[0].ExitPlan.TimeExit
			if got := !exit.IsZero(); got != c.wantExit || c.wantExit && exit.Sub(before) < 23*time.Hour {
				t.Fatalf("time exit %v", exit)
			}
			// The tool result the model read on its next step.
			msgs := srv.Requests()[1].Body["messages"].([]any)
			result := msgs[len(msgs)-1].(map[string]any)["content"].(string)
			if ignored := strings.Contains(result, "Ignored: decisions[0].time_exit"); ignored == c.wantExit {
				t.Fatalf("tool result %q", result)
			}
		})
	}
}

// A decision whose record the database refuses is still closed, as failed
// with record_failed, so its row never stays running and the model's next
// decision runs.
func TestUnrecordableDecisionIsClosedAsFailed(t *testing.T) {
	a, r, m, _ := chatArena(t, holding(), holding())
	ctx := testenv.Context(t, 60*time.Second)
	if _, err := a.Pool.Exec(ctx, `
		CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
		CREATE TRIGGER refuse BEFORE INSERT ON "ToolCalls" FOR EACH ROW EXECUTE FUNCTION refuse();`); err != nil {
		t.Fatal(err)
	}
	slot := slotNow()
	out, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != agent.Failed || out.Failure == nil || out.Failure.Code != "record_failed" || out.Retryable {
		t.Fatalf("outcome %+v", out)
	}
	rows := invocations(t, a, m.ID)
	if len(rows) != 1 || rows[0].status != "failed" || rows[0].failureReason != "provider_error" {
		t.Fatalf("rows %+v", rows)
	}
	if c := modelCounters(t, a, m.ID); c.FailedWorkflowCount != 1 || c.InvocationCount != 0 {
		t.Fatalf("counters %+v", c)
	}
	if _, err := a.Pool.Exec(ctx, `DROP TRIGGER refuse ON "ToolCalls"`); err != nil {
		t.Fatal(err)
	}
	next, err := r.Decide(ctx, agent.Decision{ModelID: m.ID, Slot: slot.Add(interval)})
	if err != nil || next.Status != agent.Succeeded {
		t.Fatalf("next decision %+v (%v)", next, err)
	}
}
