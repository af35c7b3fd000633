package agent

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// The decision index keeps the latest decision per symbol, newest first,
// with what became of it.
func TestDecisionIndexFromMetadata(t *testing.T) {
	inv, ti := goldenTurn()
	rec, err := newRecord(inv, ti)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 12, 5, 0, 0, time.UTC)
	t1 := t0.Add(5 * time.Minute)
	calls := []arena.DecisionCall{
		{Metadata: `{"decisions":[{"symbol":"ETH","signal":"HOLD","confidence":30}],"results":[{"symbol":"ETH","action":"hold","success":true}]}`, At: t1},
		{Metadata: `{"decisions":[{"symbol":"BTC","signal":"LONG"}],"results":[{"action":"open","error":"bad","failureReason":"invalid_arguments"}]}`, At: t1},
		{Metadata: "not json", At: t1},
		{Metadata: `{"decisions":[],"results":[{"action":"open","error":"arguments are not JSON"}]}`, At: t1},
		{Metadata: rec.row.ToolCalls[0].Metadata, At: t0}, // BTC open executed, SOL rejected
	}
	want := []prompt.Decision{
		{Symbol: "ETH", Signal: "HOLD", Confidence: 30, HasConfidence: true, Status: prompt.Held, At: t1},
		{Symbol: "BTC", Signal: "LONG", Status: prompt.Rejected, Reason: "invalid_arguments: bad", At: t1},
		{Symbol: "SOL", Signal: "LONG", Side: "LONG", Quantity: fx("1000"), Leverage: fx("3"), Confidence: 50, HasConfidence: true,
			Stop: fx("150"), Target: fx("200"), Status: prompt.Rejected, Reason: "max_risk_per_trade: risks too much", At: t0},
	}
	if diff := cmp.Diff(want, decisionIndex(pastDecisions(calls))); diff != "" {
		t.Fatalf("index (-want +got):\n%s", diff)
	}
	got := decisionIndex(pastDecisions(calls[4:]))
	if len(got) != 2 || got[0].Symbol != "BTC" || got[0].Status != prompt.Executed || got[0].Confidence != 70 ||
		got[0].Stop != fx("96000") || got[0].Target != fx("99000") || got[0].Leverage != fx("3") {
		t.Fatalf("executed open: %+v", got)
	}
}
