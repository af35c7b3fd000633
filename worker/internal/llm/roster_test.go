package llm

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

// The default roster file is today's line-up, seat for seat and price for
// price.
func TestDefaultRosterFileIsTheDefaultRoster(t *testing.T) {
	r, err := LoadRoster("")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(arena.DefaultRoster(), r.Entries); diff != "" {
		t.Fatalf("default roster file differs from arena.DefaultRoster (-want +got):\n%s", diff)
	}
	for model, want := range DefaultPrices() {
		ov := r.Models[arena.ModelDisplayName(model)]
		if ov.Price == nil || *ov.Price != want {
			t.Errorf("%s: price %+v, want %+v", model, ov.Price, want)
		}
	}
	if diff := cmp.Diff(DefaultProviders(), r.Providers); diff != "" {
		t.Errorf("providers (-want +got):\n%s", diff)
	}
}

func TestRosterFileFormats(t *testing.T) {
	yml := `
providers:
  local: {baseUrl: "http://127.0.0.1:9999/v1", keyOptional: true}
models:
  - {model: org/tiny-1, provider: local, name: tiny, variants: [Apex, Sniper], price: {input: 0.1, output: "0.2"}, maxTokens: 512, temperature: 0.3}
  - {model: other/model, provider: openrouter, baseUrl: "https://example.test/v1", keyEnv: OTHER_KEY}
baselines: [random]
`
	js := `{"providers":{"local":{"baseUrl":"http://127.0.0.1:9999/v1","keyOptional":true}},
"models":[{"model":"org/tiny-1","provider":"local","name":"tiny","variants":["Apex","Sniper"],"price":{"input":0.1,"output":"0.2"},"maxTokens":512,"temperature":0.3},
{"model":"other/model","provider":"openrouter","baseUrl":"https://example.test/v1","keyEnv":"OTHER_KEY"}],"baselines":["random"]}`
	for name, src := range map[string]string{"yaml": yml, "json": js} {
		r, err := ParseRoster([]byte(src), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(r.Entries) != 2+7+1 || r.Entries[0] != (arena.RosterEntry{Name: "tiny", ProviderModel: "org/tiny-1", Provider: "local", Kind: arena.KindLLM, Variant: arena.Apex}) {
			t.Fatalf("%s: entries %+v", name, r.Entries)
		}
		tiny := r.Models["tiny"]
		if tiny.MaxTokens != 512 || *tiny.Temperature != 0.3 || tiny.Price.InputPerMTok != arena.MustFixed("0.1") || tiny.Price.OutputPerMTok != arena.MustFixed("0.2") {
			t.Errorf("%s: tiny %+v", name, tiny)
		}
		st, err := Statuses(r.Entries, Options{Getenv: func(k string) string { return map[string]string{"OTHER_KEY": "k"}[k] }, Providers: r.Providers, Models: r.Models})
		if err != nil {
			t.Fatal(err)
		}
		if !st[0].Runs || st[0].BaseURL != "http://127.0.0.1:9999/v1" || !st[2].Runs || st[2].BaseURL != "https://example.test/v1" || st[2].KeyEnv != "OTHER_KEY" {
			t.Errorf("%s: statuses %+v", name, st[:3])
		}
	}
}

func TestRosterFileErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`models: [{model: a/b, provider: nim, colour: red}]`, "field colour not found"},
		{`models: [{provider: nim}]`, "models[0] (): model: the provider's model id is required"},
		{`models: [{model: a/b}]`, "models[0] (a/b): provider: required"},
		{`models: [{model: a/b, provider: acme}]`, `unknown provider "acme"`},
		{`models: [{model: a/b, provider: nim, variants: [Apex, Berserk]}]`, `variants[1]: unknown variant "Berserk"`},
		{`models: [{model: a/b, provider: nim, price: {input: cheap, output: 1}}]`, `price.input: "cheap"`},
		{`models: [{model: a/b, provider: nim, baseUrl: "ftp://x"}]`, "baseUrl:"},
		{`models: [{model: a/b, provider: nim, temperature: 7}]`, "temperature: 7"},
		{`models: [{model: a/b, provider: nim}, {model: c/b, provider: openrouter}]`, `models[1] (c/b): the name "b" is already used`},
		{`providers: {local: {keyOptional: true}}`, "providers.local.baseUrl: is required"},
		{`providers: {local: {baseUrl: "http://x/v1"}}`, "set keyEnv"},
		{`baselines: [coin-flip]`, `unknown baseline "coin-flip"`},
		{`baselines: []`, "the arena would be empty"},
		{`models: {model: a}`, "cannot unmarshal"},
	} {
		_, err := ParseRoster([]byte(c.src), "roster.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "roster roster.yaml: ") {
			t.Errorf("%s: error %v, want one containing %q", c.src, err, c.want)
		}
	}
}

// The schema lists exactly the fields the parser accepts.
func TestRosterSchemaMatchesTheParser(t *testing.T) {
	var s struct {
		Properties map[string]struct {
			Properties           map[string]json.RawMessage
			AdditionalProperties struct{ Properties map[string]json.RawMessage }
			Items                struct{ Properties map[string]json.RawMessage }
		}
	}
	if err := json.Unmarshal(RosterSchema, &s); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]json.RawMessage) string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		return strings.Join(sortStrings(out), ",")
	}
	if got, want := keys(s.Properties["models"].Items.Properties), yamlFields(modelSpec{}); got != want {
		t.Errorf("schema model fields %s, parser %s", got, want)
	}
	if got, want := keys(s.Properties["providers"].AdditionalProperties.Properties), yamlFields(providerSpec{}); got != want {
		t.Errorf("schema provider fields %s, parser %s", got, want)
	}
	top := map[string]json.RawMessage{}
	for k := range s.Properties {
		top[k] = nil
	}
	if got, want := keys(top), yamlFields(rosterFile{}); got != want {
		t.Errorf("schema fields %s, parser %s", got, want)
	}
}
