package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
)

// Baseline names, as in the default roster.
const (
	BaselineBuyAndHoldBTC = "baseline/buy-and-hold-btc"
	BaselineAlwaysFlat    = "baseline/always-flat"
	BaselineMomentum      = "baseline/momentum"
	BaselineMeanReversion = "baseline/mean-reversion"
	BaselineRandom        = "baseline/random"
)

// rule decides a baseline's tool calls for one turn from its input. It
// writes its reasoning to note and returns the calls to make (holding is
// appended by the caller).
type rule func(in *Input, rng *rand.Rand, note *strings.Builder) []decision.Call

// Baseline is a built-in agent following a fixed rule. It needs no key and
// no network, is deterministic for a given seed and input, and goes through
// the same checks and records as a model.
type Baseline struct {
	name string
	rule rule
	seed uint64
	now  func() time.Time
}

// NewBaseline returns the baseline called name (one of the Baseline*
// constants). seed fixes the random trader's choices.
func NewBaseline(name string, seed uint64) (*Baseline, error) {
	rules := map[string]rule{
		BaselineBuyAndHoldBTC: buyAndHoldBTC,
		BaselineAlwaysFlat:    alwaysFlat,
		BaselineMomentum:      momentum,
		BaselineMeanReversion: meanReversion,
		BaselineRandom:        randomTrader,
	}
	r, ok := rules[name]
	if !ok {
		return nil, arena.Errorf(arena.CodeInvalid, "unknown baseline %q", name)
	}
	return &Baseline{name: name, rule: r, seed: seed, now: time.Now}, nil
}

// BaselineLimits returns the limits a baseline runs under: the defaults,
// except buy-and-hold, which is meant to show what simply holding BTC fully
// invested at 1x earns, so it may put its whole equity at risk but never use
// leverage.
func BaselineLimits(name string) decision.RiskLimits {
	l := decision.DefaultRiskLimits()
	if name == BaselineBuyAndHoldBTC {
		l.MaxLeverage = arena.One
		l.MaxRiskPerTradePct = arena.FixedInt(100)
		l.MaxGrossExposurePct = arena.FixedInt(100)
	}
	return l
}

// Decide runs the rule and records the turn like a model's. See Agent.
func (b *Baseline) Decide(ctx context.Context, in Input, exec decision.Executor) (arena.Invocation, error) {
	start := b.now()
	inv := arena.Invocation{Provider: arena.ProviderBaseline, ProviderModel: b.name, SystemPrompt: in.System, UserPrompt: in.User,
		StartedAt: start.UTC(), Finish: arena.FinishHolding}
	if err := ctx.Err(); err != nil {
		e := contextErr(err)
		inv.Finish, inv.Failure = arena.FinishFailed, e.Failure()
		return inv, e
	}
	var note strings.Builder
	calls := b.rule(&in, b.rng(in.Now), &note)
	calls = append(calls, decision.Call{Name: decision.NameHolding, Arguments: mustJSON(map[string]string{"reason": b.name + " rule applied"})})
	s := in.session(b.now)
	tel := arena.StepTelemetry{Step: 1, Attempts: 1}
	for i, c := range calls {
		c.ID, c.Step = fmt.Sprintf("%s_%d", strings.TrimPrefix(b.name, "baseline/"), i), 1
		inv.ToolCalls = append(inv.ToolCalls, s.Handle(ctx, exec, c))
		tel.ToolNames = append(tel.ToolNames, c.Name)
	}
	end := b.now()
	tel.LatencyMS, tel.Time = end.Sub(start).Milliseconds(), end.UTC()
	inv.Steps = []arena.StepTelemetry{tel}
	inv.LatencyMS = tel.LatencyMS
	inv.Response = strings.TrimSpace(note.String())
	if inv.Response == "" {
		inv.Response = "No signal; holding."
	}
	return inv, nil
}

// rng is seeded from the baseline's seed, its name and the turn's time, so
// a replay of the same turns makes the same choices.
func (b *Baseline) rng(now time.Time) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(b.name))
	return rand.New(rand.NewPCG(b.seed^h.Sum64(), uint64(now.Unix())))
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("llm: marshal baseline arguments: " + err.Error()) // plain structs; cannot fail
	}
	return b
}
