package agenttest

import (
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/decision"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
)

// Arena is a seeded arena on the test services: a migrated database with
// the roster's models and accounts, the exchange trading them, the
// synthetic market's history, and the event log under the test's Redis
// prefix.
type Arena struct {
	Pool     *pgxpool.Pool
	URL      string // the database's URL, to open more pools
	Store    *postgres.Agents
	Reader   *postgres.Reader
	Models   []arena.AgentModel // by name, then variant
	Exchange *Exchange
	History  *synthetic.Feed
	Redis    *goredis.Client
	Prefix   string
	Events   *redis.EventLog
	Log      *slog.Logger
}

// NewArena seeds roster on fresh test databases.
func NewArena(t testing.TB, roster []arena.RosterEntry) *Arena {
	t.Helper()
	pool, url := testenv.Postgres(t)
	ctx := testenv.Context(t, 60*time.Second)
	if _, err := postgres.Seed(ctx, pool, roster, arena.FixedInt(10_000)); err != nil {
		t.Fatal(err)
	}
	a := &Arena{Pool: pool, URL: url, Store: postgres.NewAgents(pool), Reader: postgres.NewReader(pool), Log: Quiet()}
	var err error
	if a.Models, err = a.Store.AgentModels(ctx); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(a.Models))
	for i, m := range a.Models {
		ids[i] = m.ID
	}
	a.Exchange, a.History = NewExchange(t, pool, 42, ids)
	a.Redis, a.Prefix = testenv.Redis(t)
	a.Events = redis.NewEventLog(a.Redis, redis.EventLogOptions{Prefix: a.Prefix})
	return a
}

// Model returns the model called name under variant.
func (a *Arena) Model(t testing.TB, name string, v arena.Variant) arena.AgentModel {
	t.Helper()
	for _, m := range a.Models {
		if m.Name == name && m.Variant == v {
			return m
		}
	}
	t.Fatalf("no model %s/%s", name, v)
	return arena.AgentModel{}
}

// Quiet is a logger that discards everything, unless AGENTTEST_LOG is set
// (then it writes debug logs to stderr).
func Quiet() *slog.Logger {
	if os.Getenv("AGENTTEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// baselines are the built-in rules, in the order BaselineSeats hands them
// out to LLM entries.
var baselines = []string{llm.BaselineMomentum, llm.BaselineBuyAndHoldBTC, llm.BaselineMeanReversion,
	llm.BaselineRandom, llm.BaselineAlwaysFlat}

// BaselineSeats seats every entry with a baseline agent, so the arena runs
// with no network: baselines with their own rule, LLM entries with the
// rules in turn, under their variant's limits.
func BaselineSeats(t testing.TB, entries []arena.RosterEntry) []llm.Seat {
	t.Helper()
	var seats []llm.Seat
	for i, e := range entries {
		name, limits := e.ProviderModel, llm.BaselineLimits(e.ProviderModel)
		if e.Kind != arena.KindBaseline {
			name, limits = baselines[i%len(baselines)], decision.VariantRiskLimits(e.Variant)
			if name == llm.BaselineBuyAndHoldBTC {
				limits = llm.BaselineLimits(name)
			}
		}
		b, err := llm.NewBaseline(name, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		seats = append(seats, llm.Seat{Entry: e, Agent: b, Limits: limits})
	}
	return seats
}

// ChatSeat seats entry with a chat model at baseURL (an llmtest server):
// one HTTP attempt per step, so retries are the job runner's.
func ChatSeat(t testing.TB, entry arena.RosterEntry, baseURL string) llm.Seat {
	t.Helper()
	client, err := llm.NewClient(llm.ClientConfig{BaseURL: baseURL, Keys: []string{"test-key"}, MaxRetries: -1, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	agent, err := llm.NewChatAgent(llm.ChatConfig{Provider: entry.Provider, Model: entry.ProviderModel, Client: client,
		Price: llm.DefaultPrices().Lookup(entry.ProviderModel)})
	if err != nil {
		t.Fatal(err)
	}
	return llm.Seat{Entry: entry, Agent: agent, Limits: decision.VariantRiskLimits(entry.Variant)}
}
