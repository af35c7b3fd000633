package arena

import "strings"

// ModelKind tells an LLM-driven account from a built-in baseline agent.
type ModelKind string

// Model kinds.
const (
	KindLLM      ModelKind = "llm"
	KindBaseline ModelKind = "baseline"
)

// Provider names who serves a model.
type Provider string

// Providers.
const (
	ProviderNIM        Provider = "nim"        // NVIDIA NIM, OpenAI-compatible
	ProviderOpenRouter Provider = "openrouter" // OpenRouter, OpenAI-compatible
	ProviderBaseline   Provider = "baseline"   // built-in rule, no network
)

// RosterEntry is one account the seed creates: a model under one variant.
type RosterEntry struct {
	Name          string // display name, unique with Variant
	ProviderModel string // the provider's model id ("openRouterModelName")
	Provider      Provider
	Kind          ModelKind
	Variant       Variant
}

// LLMs of the default roster, as in the reference seed.
var rosterLLMs = []struct {
	model    string
	provider Provider
}{
	{"deepseek-ai/deepseek-v3.1-terminus", ProviderNIM},
	{"minimaxai/minimax-m2", ProviderNIM},
	{"moonshotai/kimi-k2-thinking", ProviderNIM},
}

// Baselines are the built-in agents that need no key and no network. Each
// runs once (under the default variant) and is shown in every variant's
// competition as a yardstick.
var rosterBaselines = []string{
	"baseline/buy-and-hold-btc",
	"baseline/always-flat",
	"baseline/momentum",
	"baseline/mean-reversion",
	"baseline/random",
}

// ModelDisplayName derives the display name from a provider model id: the text
// after the last "/" without a ":free" suffix.
func ModelDisplayName(providerModel string) string {
	name := providerModel
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSuffix(name, ":free")
}

// DefaultRoster is the single source of the accounts the seed creates: each
// reference LLM once per variant (21), then the baselines.
func DefaultRoster() []RosterEntry {
	var out []RosterEntry
	for _, l := range rosterLLMs {
		for _, v := range variants {
			out = append(out, RosterEntry{
				Name: ModelDisplayName(l.model), ProviderModel: l.model,
				Provider: l.provider, Kind: KindLLM, Variant: v.ID,
			})
		}
	}
	for _, b := range rosterBaselines {
		out = append(out, RosterEntry{
			Name: ModelDisplayName(b), ProviderModel: b,
			Provider: ProviderBaseline, Kind: KindBaseline, Variant: DefaultVariant,
		})
	}
	return out
}
