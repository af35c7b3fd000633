package prompt

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/autonome-go/autonome/shared/arena"
)

// DecisionsShown is how many symbols' latest decisions the user prompt
// lists; intent lines of open positions look further.
const DecisionsShown = 10

// DecisionStatus is what became of a decision.
type DecisionStatus string

// Decision statuses, as the user prompt prints them.
const (
	Executed DecisionStatus = "executed" // the order was placed
	Rejected DecisionStatus = "rejected" // refused by validation, the hard limits or the exchange
	Held     DecisionStatus = "held"     // a HOLD signal: nothing to execute
)

// Decision is the model's latest createPosition decision on one symbol, as
// recorded.
type Decision struct {
	Symbol        arena.Symbol
	Signal        string     // LONG, SHORT or HOLD
	Side          arena.Side // as given; may be empty on a HOLD
	Quantity      arena.Fixed
	Leverage      arena.Fixed
	Confidence    float64 // 0–100 as the model stated it
	HasConfidence bool
	Stop, Target  arena.Fixed
	Status        DecisionStatus
	Reason        string // why it was rejected: the code and message
	At            time.Time
}

type decisionView struct {
	Symbol                                       arena.Symbol
	Signal, Side, Quantity, Leverage, Confidence string
	Stop, Target, Status, At                     string
}

// decisionViews renders the first DecisionsShown of ds (latest per symbol,
// newest first) as of now.
func decisionViews(ds []Decision, now time.Time) []decisionView {
	ds = ds[:min(len(ds), DecisionsShown)]
	out := make([]decisionView, len(ds))
	for i, d := range ds {
		out[i] = d.view(now)
	}
	return out
}

// intents indexes ds by symbol, keeping the first (the latest) of each.
func intents(ds []Decision, now time.Time) map[arena.Symbol]decisionView {
	out := make(map[arena.Symbol]decisionView, len(ds))
	for _, d := range ds {
		if _, ok := out[d.Symbol]; !ok {
			out[d.Symbol] = d.view(now)
		}
	}
	return out
}

func (d Decision) view(now time.Time) decisionView {
	v := decisionView{Symbol: d.Symbol, Signal: orNone(d.Signal), Side: orNone(string(d.Side)), Quantity: d.Quantity.String(),
		Leverage: "n/a", Confidence: "n/a", Stop: priceOrNone(d.Stop), Target: priceOrNone(d.Target),
		Status: string(d.Status), At: timeOrNone(d.At)}
	if d.Leverage > 0 {
		v.Leverage = d.Leverage.String() + "x"
	}
	if d.HasConfidence {
		v.Confidence = strconv.Itoa(int(math.Round(d.Confidence)))
	}
	if d.Status == Rejected {
		v.Status += " (" + oneLine(orNone(d.Reason), maxReason) + ")"
	}
	if !d.At.IsZero() {
		v.At += " (" + strconv.Itoa(max(0, int(now.Sub(d.At)/time.Minute))) + " min ago)"
	}
	return v
}

// maxReason bounds a rejection reason in the prompt, in bytes.
const maxReason = 240

// oneLine folds s onto one line and cuts it to at most n bytes (at a rune
// boundary): a reason must not break the prompt's layout.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
