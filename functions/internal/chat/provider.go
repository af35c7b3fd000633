package chat

import (
	"fmt"
	"strings"

	"github.com/autonome-go/autonome/shared/apikeys"
)

// Provider is an OpenAI-compatible endpoint and the variables holding its
// keys: the same variables, and the same defaults, as the trading agents'
// providers (worker/internal/llm), so one set of keys serves both.
type Provider struct {
	Name        string
	BaseURL     string
	BaseURLEnv  string // overrides BaseURL when set
	KeyEnv      string // KeyEnv, KeyEnv1 … KeyEnv9 are read, every one set joins the rotation
	KeyOptional bool   // a local server without auth
	Headers     map[string]string
}

// Providers are the providers CHAT_MODEL can name.
var Providers = []Provider{
	{Name: "nim", BaseURL: "https://integrate.api.nvidia.com/v1", BaseURLEnv: "NIM_BASE_URL", KeyEnv: "NIM_API_KEY"},
	{Name: "openrouter", BaseURL: "https://openrouter.ai/api/v1", BaseURLEnv: "OPENROUTER_BASE_URL", KeyEnv: "OPENROUTER_API_KEY",
		Headers: map[string]string{"X-Title": "Autonome arena co-pilot"}},
	{Name: "openai", BaseURL: "http://localhost:8000/v1", BaseURLEnv: "OPENAI_BASE_URL", KeyEnv: "OPENAI_API_KEY", KeyOptional: true},
}

// DefaultModel is CHAT_MODEL's default: the model the reference's co-pilot
// used for its tool steps.
const DefaultModel = "nim:moonshotai/kimi-k2-instruct-0905"

// Endpoint is a resolved CHAT_MODEL: where to send requests, with which
// keys, for which model.
type Endpoint struct {
	Provider Provider
	Model    string
	BaseURL  string
	Keys     []string
}

// Configured reports whether requests can be sent: a key is set, or the
// provider needs none.
func (e Endpoint) Configured() bool { return len(e.Keys) > 0 || e.Provider.KeyOptional }

// NotConfigured says what to set so the co-pilot can answer.
func (e Endpoint) NotConfigured() string {
	return fmt.Sprintf("The co-pilot is not configured: CHAT_MODEL is %s:%s, and %s is not set. "+
		"Set %s (or point CHAT_MODEL at another provider, e.g. openrouter:<model> with OPENROUTER_API_KEY, "+
		"or openai:<model> with OPENAI_BASE_URL for a local server) and ask again.",
		e.Provider.Name, e.Model, e.Provider.KeyEnv, e.Provider.KeyEnv)
}

// Resolve parses CHAT_MODEL ("provider:model id") and reads the provider's
// base URL and keys from getenv.
func Resolve(chatModel string, getenv func(string) string) (Endpoint, error) {
	if strings.TrimSpace(chatModel) == "" {
		chatModel = DefaultModel
	}
	name, model, ok := strings.Cut(chatModel, ":")
	if !ok || model == "" {
		return Endpoint{}, fmt.Errorf("CHAT_MODEL=%q is not valid: expected provider:model, e.g. %s", chatModel, DefaultModel)
	}
	for _, p := range Providers {
		if p.Name != name {
			continue
		}
		base := p.BaseURL
		if v := strings.TrimSpace(getenv(p.BaseURLEnv)); v != "" {
			base = v
		}
		return Endpoint{Provider: p, Model: model, BaseURL: strings.TrimRight(base, "/"), Keys: apikeys.Read(getenv, p.KeyEnv)}, nil
	}
	return Endpoint{}, fmt.Errorf("CHAT_MODEL=%q is not valid: unknown provider %q (expected nim, openrouter or openai)", chatModel, name)
}
