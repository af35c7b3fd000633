package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/apikeys"
	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
)

// ProviderConfig says where a provider's models are served and which
// environment variables hold its keys.
type ProviderConfig struct {
	Provider   arena.Provider
	BaseURL    string
	BaseURLEnv string // overrides BaseURL when set, e.g. NIM_BASE_URL to point NIM models at a local server
	// KeyEnv names the key variable; KeyEnv, KeyEnv1 … KeyEnv9 are read and
	// every one that is set joins the rotation (NIM_API_KEY, NIM_API_KEY1…).
	KeyEnv      string
	KeyOptional bool // a server without auth (a local one): models run even with no key
	Headers     map[string]string
	Extra       map[string]json.RawMessage // request fields added for every model of the provider
}

// DefaultProviders returns NVIDIA NIM, OpenRouter (with reasoning requested
// and returned) and a generic OpenAI-compatible endpoint.
func DefaultProviders() []ProviderConfig {
	return []ProviderConfig{
		{Provider: arena.ProviderNIM, BaseURL: "https://integrate.api.nvidia.com/v1", BaseURLEnv: "NIM_BASE_URL", KeyEnv: "NIM_API_KEY"},
		{Provider: arena.ProviderOpenRouter, BaseURL: "https://openrouter.ai/api/v1", BaseURLEnv: "OPENROUTER_BASE_URL", KeyEnv: "OPENROUTER_API_KEY",
			Headers: map[string]string{"X-Title": "Autonome arena"},
			Extra:   map[string]json.RawMessage{"reasoning": json.RawMessage(`{"effort":"high","exclude":false}`)}},
		{Provider: arena.ProviderOpenAI, BaseURL: "http://localhost:8000/v1", BaseURLEnv: "OPENAI_BASE_URL", KeyEnv: "OPENAI_API_KEY", KeyOptional: true},
	}
}

// ModelOverride changes one model's settings; zero fields keep the default.
type ModelOverride struct {
	BaseURL     string
	KeyEnv      string
	Timeout     time.Duration
	MaxRetries  int
	MaxTokens   int
	Temperature *float64
	Extra       map[string]json.RawMessage
	Price       *Price // nil: the price table's entry for the model id
}

// Options configure Lineup.
type Options struct {
	Getenv     func(string) string      // required
	Logger     *slog.Logger             // default slog.Default()
	Providers  []ProviderConfig         // default DefaultProviders()
	Models     map[string]ModelOverride // by display name, or by provider model id
	Prices     PriceTable               // default DefaultPrices()
	Timeout    time.Duration            // per HTTP attempt; default 2 min
	MaxRetries int                      // default 2
	MaxSteps   int                      // default DefaultMaxSteps
	MaxTokens  int                      // default 8192: room for reasoning models to think and still call a tool
	// MaxResponseBytes bounds what is read of one provider response;
	// default DefaultMaxResponseBytes.
	MaxResponseBytes int64
	BaselineSeed     uint64
	HTTPClient       *http.Client
	// Now and Sleep replace the wall clock in every agent and client (a
	// season's simulated clock); default time.Now and a real wait.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Seat is one account of the arena ready to decide: its roster entry, its
// agent, and the hard limits its decisions are checked against (the same
// limits its system prompt states).
type Seat struct {
	Entry  arena.RosterEntry
	Agent  Agent
	Limits decision.RiskLimits
}

// Lineup builds the agents of a roster. Baselines always run. An LLM whose
// provider has no key configured is skipped, with one log line per provider
// naming the variable to set, instead of a failure every cycle.
func Lineup(entries []arena.RosterEntry, opt Options) ([]Seat, error) {
	if opt.Getenv == nil {
		return nil, errors.New("lineup: Getenv is required")
	}
	opt.defaults()
	providers := make(map[arena.Provider]ProviderConfig, len(opt.Providers))
	for _, p := range opt.Providers {
		providers[p.Provider] = p
	}
	var seats []Seat
	skipped := map[arena.Provider][]string{}
	clients := map[clientKey]*Client{}
	for _, e := range entries {
		if e.Kind == arena.KindBaseline {
			b, err := NewBaseline(e.ProviderModel, opt.BaselineSeed)
			if err != nil {
				return nil, fmt.Errorf("lineup: %w", err)
			}
			if opt.Now != nil {
				b.now = opt.Now
			}
			seats = append(seats, Seat{Entry: e, Agent: b, Limits: BaselineLimits(e.ProviderModel)})
			continue
		}
		p, ok := providers[e.Provider]
		if !ok {
			return nil, fmt.Errorf("lineup: model %s uses unknown provider %q", e.ProviderModel, e.Provider)
		}
		agent, err := opt.chatAgent(e, p, clients)
		if errors.Is(err, errNoKey) {
			skipped[e.Provider] = append(skipped[e.Provider], e.Name+"/"+string(e.Variant))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("lineup: model %s: %w", e.ProviderModel, err)
		}
		seats = append(seats, Seat{Entry: e, Agent: agent, Limits: decision.VariantRiskLimits(e.Variant)})
	}
	for _, p := range opt.Providers {
		if names := skipped[p.Provider]; len(names) > 0 {
			opt.Logger.Warn("no API key configured; skipping these models until one is set",
				"provider", p.Provider, "env", p.KeyEnv, "models", len(names), "names", strings.Join(names, ", "))
		}
	}
	return seats, nil
}

var errNoKey = errors.New("no API key configured")

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Providers == nil {
		o.Providers = DefaultProviders()
	}
	if o.Prices == nil {
		o.Prices = DefaultPrices()
	}
	if o.MaxTokens == 0 {
		o.MaxTokens = 8192
	}
}

// clientKey identifies a shared client: models of one provider with the
// same endpoint, keys and retry settings share one Client, so its key
// rotation spreads all their requests over the keys.
type clientKey struct {
	Provider        arena.Provider
	BaseURL, KeyEnv string
	Timeout         time.Duration
	MaxRetries      int
	MaxBodyBytes    int64
}

func (o *Options) chatAgent(e arena.RosterEntry, p ProviderConfig, clients map[clientKey]*Client) (*ChatAgent, error) {
	ov := o.override(e)
	key := o.clientKey(e, p)
	keys := readKeys(o.Getenv, key.KeyEnv)
	if len(keys) == 0 && !p.KeyOptional {
		return nil, errNoKey
	}
	client := clients[key]
	if client == nil {
		var err error
		client, err = NewClient(ClientConfig{BaseURL: key.BaseURL, Keys: keys, Headers: p.Headers, HTTPClient: o.HTTPClient, Now: o.Now, Sleep: o.Sleep,
			Timeout: key.Timeout, MaxRetries: key.MaxRetries, MaxBodyBytes: key.MaxBodyBytes})
		if err != nil {
			return nil, err
		}
		clients[key] = client
	}
	extra := map[string]json.RawMessage{}
	for k, v := range p.Extra {
		extra[k] = v
	}
	for k, v := range ov.Extra {
		extra[k] = v
	}
	price := o.Prices.Lookup(e.ProviderModel)
	if ov.Price != nil {
		price = *ov.Price
	}
	return NewChatAgent(ChatConfig{Provider: e.Provider, Model: e.ProviderModel, Client: client, MaxSteps: o.MaxSteps,
		Temperature: ov.Temperature, MaxTokens: firstNonZero(ov.MaxTokens, o.MaxTokens), Extra: extra, Price: price, Now: o.Now})
}

func (o *Options) override(e arena.RosterEntry) ModelOverride {
	if ov, ok := o.Models[e.Name]; ok {
		return ov
	}
	return o.Models[e.ProviderModel]
}

func (o *Options) clientKey(e arena.RosterEntry, p ProviderConfig) clientKey {
	ov := o.override(e)
	return clientKey{Provider: p.Provider, KeyEnv: firstNonEmpty(ov.KeyEnv, p.KeyEnv),
		BaseURL: firstNonEmpty(ov.BaseURL, o.Getenv(p.BaseURLEnv), p.BaseURL),
		Timeout: firstPositive(ov.Timeout, o.Timeout), MaxRetries: firstNonZero(ov.MaxRetries, o.MaxRetries),
		MaxBodyBytes: o.MaxResponseBytes}
}

// SeatStatus says whether a roster entry can run.
type SeatStatus struct {
	Entry   arena.RosterEntry
	Runs    bool   // a baseline, or an LLM whose key is set (or whose provider needs none)
	KeyEnv  string // the variable to set when it cannot run
	BaseURL string // where an LLM is reached
}

// Statuses reports, for each entry, whether Lineup would seat it, and if not
// which variable would let it run.
func Statuses(entries []arena.RosterEntry, opt Options) ([]SeatStatus, error) {
	if opt.Getenv == nil {
		return nil, errors.New("statuses: Getenv is required")
	}
	opt.defaults()
	out := make([]SeatStatus, len(entries))
	for i, e := range entries {
		out[i] = SeatStatus{Entry: e, Runs: true}
		if e.Kind == arena.KindBaseline {
			continue
		}
		j := slices.IndexFunc(opt.Providers, func(p ProviderConfig) bool { return p.Provider == e.Provider })
		if j < 0 {
			return nil, fmt.Errorf("model %s uses unknown provider %q", e.ProviderModel, e.Provider)
		}
		p := opt.Providers[j]
		key := opt.clientKey(e, p)
		out[i].BaseURL, out[i].KeyEnv = key.BaseURL, key.KeyEnv
		out[i].Runs = p.KeyOptional || len(readKeys(opt.Getenv, key.KeyEnv)) > 0
	}
	return out, nil
}

// readKeys returns the keys set in env, env1 … env9.
func readKeys(getenv func(string) string, env string) []string { return apikeys.Read(getenv, env) }

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func firstPositive(vs ...time.Duration) time.Duration {
	for _, v := range vs {
		if v > 0 {
			return v
		}
	}
	return 0
}

func firstNonZero(vs ...int) int {
	for _, v := range vs {
		if v != 0 {
			return v
		}
	}
	return 0
}
