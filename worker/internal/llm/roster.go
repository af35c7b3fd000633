package llm

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/autonome-go/autonome/shared/arena"
)

// DefaultRosterFile is the default line-up (ROSTER_FILE unset): the
// reference's three LLMs under every variant and the five baselines, as
// arena.DefaultRoster lists them.
//
//go:embed roster.default.yaml
var DefaultRosterFile []byte

// RosterSchema is the JSON Schema of a roster file, for editors and docs.
//
//go:embed roster.schema.json
var RosterSchema []byte

// Roster is a parsed roster file: the seats to run and how to reach each
// model.
type Roster struct {
	Entries   []arena.RosterEntry
	Providers []ProviderConfig         // the built-in providers with the file's added or overriding
	Models    map[string]ModelOverride // by display name
	Source    string                   // the file's path, or "built-in default"
}

// The file's shape. Field names are the schema's.
type rosterFile struct {
	Providers map[string]providerSpec `yaml:"providers"`
	Models    []modelSpec             `yaml:"models"`
	Baselines []string                `yaml:"baselines"`
}

type providerSpec struct {
	BaseURL     string            `yaml:"baseUrl"`
	KeyEnv      string            `yaml:"keyEnv"`
	KeyOptional bool              `yaml:"keyOptional"`
	Headers     map[string]string `yaml:"headers"`
}

type modelSpec struct {
	Name        string     `yaml:"name"`
	Provider    string     `yaml:"provider"`
	Model       string     `yaml:"model"`
	BaseURL     string     `yaml:"baseUrl"`
	KeyEnv      string     `yaml:"keyEnv"`
	Price       *priceSpec `yaml:"price"`
	MaxTokens   int        `yaml:"maxTokens"`
	Temperature *float64   `yaml:"temperature"`
	Variants    []string   `yaml:"variants"`
}

type priceSpec struct {
	Input  string `yaml:"input"`
	Output string `yaml:"output"`
}

// LoadRoster reads the roster file at path, or the default one when path
// is empty.
func LoadRoster(path string) (Roster, error) {
	if path == "" {
		return ParseRoster(DefaultRosterFile, "built-in default")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Roster{}, fmt.Errorf("ROSTER_FILE: %w", err)
	}
	return ParseRoster(b, path)
}

var (
	envName  = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	nameText = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._:/+-]{0,63}$`)
)

// yamlTypes names the file's parts in decoding errors instead of Go types.
var yamlTypes = strings.NewReplacer("in type llm.modelSpec", "in a model", "in type llm.providerSpec", "in a provider",
	"in type llm.rosterFile", "at the top level", "in type llm.priceSpec", "in a price", "yaml: unmarshal errors:\n  ", "")

// ParseRoster reads a roster file (YAML, or JSON, which YAML includes).
// Unknown fields, duplicate seats and unusable values are refused with an
// error that names the file, the entry and the field.
func ParseRoster(data []byte, source string) (Roster, error) {
	var f rosterFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return Roster{}, fmt.Errorf("roster %s: %s (the fields are in roster.schema.json)", source, yamlTypes.Replace(err.Error()))
	}
	r, err := f.roster()
	if err != nil {
		return Roster{}, fmt.Errorf("roster %s: %w", source, err)
	}
	r.Source = source
	return r, nil
}

func (f *rosterFile) roster() (Roster, error) {
	r := Roster{Models: map[string]ModelOverride{}}
	providers, err := f.providers()
	if err != nil {
		return r, err
	}
	r.Providers = providers
	known := map[arena.Provider]bool{}
	for _, p := range providers {
		known[p.Provider] = true
	}
	seats := map[string]bool{}
	for i, m := range f.Models {
		entries, ov, err := m.entries(known)
		if err != nil {
			return r, fmt.Errorf("models[%d] (%s): %w", i, m.Model, err)
		}
		if _, dup := r.Models[entries[0].Name]; dup {
			return r, fmt.Errorf("models[%d] (%s): the name %q is already used by another model; give it its own name", i, m.Model, entries[0].Name)
		}
		r.Models[entries[0].Name] = ov
		for _, e := range entries {
			seats[e.Name+"/"+string(e.Variant)] = true
		}
		r.Entries = append(r.Entries, entries...)
	}
	for i, b := range f.Baselines {
		id := "baseline/" + strings.TrimPrefix(b, "baseline/")
		if _, err := NewBaseline(id, 0); err != nil {
			return r, fmt.Errorf("baselines[%d]: unknown baseline %q; the baselines are buy-and-hold-btc, always-flat, momentum, mean-reversion and random", i, b)
		}
		e := arena.RosterEntry{Name: arena.ModelDisplayName(id), ProviderModel: id, Provider: arena.ProviderBaseline, Kind: arena.KindBaseline, Variant: arena.DefaultVariant}
		if seats[e.Name+"/"+string(e.Variant)] {
			return r, fmt.Errorf("baselines[%d]: %q is listed twice or shares its name with a model", i, b)
		}
		seats[e.Name+"/"+string(e.Variant)] = true
		r.Entries = append(r.Entries, e)
	}
	if len(r.Entries) == 0 {
		return r, errors.New("no models and no baselines: the arena would be empty")
	}
	return r, nil
}

func (f *rosterFile) providers() ([]ProviderConfig, error) {
	out := DefaultProviders()
	names := make([]string, 0, len(f.Providers))
	for n := range f.Providers {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		p := f.Providers[n]
		if !nameText.MatchString(n) || arena.Provider(n) == arena.ProviderBaseline {
			return nil, fmt.Errorf("providers: %q is not a usable provider name", n)
		}
		if err := checkBaseURL(p.BaseURL, true); err != nil {
			return nil, fmt.Errorf("providers.%s.baseUrl: %w", n, err)
		}
		if p.KeyEnv != "" && !envName.MatchString(p.KeyEnv) {
			return nil, fmt.Errorf("providers.%s.keyEnv: %q is not an environment variable name (A-Z, 0-9, _)", n, p.KeyEnv)
		}
		if p.KeyEnv == "" && !p.KeyOptional {
			return nil, fmt.Errorf("providers.%s: set keyEnv (the variable holding its API key) or keyOptional: true", n)
		}
		cfg := ProviderConfig{Provider: arena.Provider(n), BaseURL: p.BaseURL, KeyEnv: p.KeyEnv, KeyOptional: p.KeyOptional, Headers: p.Headers}
		if i := slices.IndexFunc(out, func(c ProviderConfig) bool { return c.Provider == cfg.Provider }); i >= 0 {
			cfg.Extra, cfg.BaseURLEnv = out[i].Extra, "" // the file's base URL wins over the built-in's variable
			out[i] = cfg
		} else {
			out = append(out, cfg)
		}
	}
	return out, nil
}

func checkBaseURL(s string, required bool) error {
	if s == "" {
		if required {
			return errors.New("is required")
		}
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL such as http://127.0.0.1:8000/v1", s)
	}
	return nil
}

func (m modelSpec) entries(known map[arena.Provider]bool) ([]arena.RosterEntry, ModelOverride, error) {
	var ov ModelOverride
	if strings.TrimSpace(m.Model) == "" {
		return nil, ov, errors.New("model: the provider's model id is required")
	}
	if strings.HasPrefix(m.Model, "baseline/") {
		return nil, ov, errors.New("model: baselines go under baselines, not models")
	}
	name := m.Name
	if name == "" {
		name = arena.ModelDisplayName(m.Model)
	}
	if !nameText.MatchString(name) {
		return nil, ov, fmt.Errorf("name: %q must be 1 to 64 letters, digits, spaces or ._:/+-", name)
	}
	if m.Provider == "" {
		return nil, ov, errors.New("provider: required (nim, openrouter, openai or one under providers)")
	}
	if !known[arena.Provider(m.Provider)] {
		return nil, ov, fmt.Errorf("provider: unknown provider %q; use nim, openrouter, openai or add it under providers", m.Provider)
	}
	if err := checkBaseURL(m.BaseURL, false); err != nil {
		return nil, ov, fmt.Errorf("baseUrl: %w", err)
	}
	if m.KeyEnv != "" && !envName.MatchString(m.KeyEnv) {
		return nil, ov, fmt.Errorf("keyEnv: %q is not an environment variable name (A-Z, 0-9, _)", m.KeyEnv)
	}
	if m.MaxTokens < 0 || m.MaxTokens > 1_000_000 {
		return nil, ov, fmt.Errorf("maxTokens: %d is not between 0 (the default) and 1000000", m.MaxTokens)
	}
	if t := m.Temperature; t != nil && (*t < 0 || *t > 2) {
		return nil, ov, fmt.Errorf("temperature: %v is not between 0 and 2", *t)
	}
	ov = ModelOverride{BaseURL: m.BaseURL, KeyEnv: m.KeyEnv, MaxTokens: m.MaxTokens, Temperature: m.Temperature}
	if m.Price != nil {
		p, err := m.Price.parse()
		if err != nil {
			return nil, ov, err
		}
		ov.Price = &p
	}
	variants, err := parseVariants(m.Variants)
	if err != nil {
		return nil, ov, err
	}
	out := make([]arena.RosterEntry, len(variants))
	for i, v := range variants {
		out[i] = arena.RosterEntry{Name: name, ProviderModel: m.Model, Provider: arena.Provider(m.Provider), Kind: arena.KindLLM, Variant: v}
	}
	return out, ov, nil
}

func (p priceSpec) parse() (Price, error) {
	in, err := arena.ParseFixed(strings.TrimSpace(p.Input))
	if err != nil || in < 0 {
		return Price{}, fmt.Errorf("price.input: %q is not a non-negative decimal (USD per million input tokens)", p.Input)
	}
	out, err := arena.ParseFixed(strings.TrimSpace(p.Output))
	if err != nil || out < 0 {
		return Price{}, fmt.Errorf("price.output: %q is not a non-negative decimal (USD per million output tokens)", p.Output)
	}
	return Price{InputPerMTok: in, OutputPerMTok: out}, nil
}

func parseVariants(names []string) ([]arena.Variant, error) {
	if len(names) == 0 {
		var all []arena.Variant
		for _, v := range arena.Variants() {
			all = append(all, v.ID)
		}
		return all, nil
	}
	var out []arena.Variant
	for i, n := range names {
		v, err := arena.ParseVariant(n)
		if err != nil {
			var ids []string
			for _, x := range arena.Variants() {
				ids = append(ids, string(x.ID))
			}
			return nil, fmt.Errorf("variants[%d]: unknown variant %q; the variants are %s", i, n, strings.Join(ids, ", "))
		}
		if slices.Contains(out, v) {
			return nil, fmt.Errorf("variants[%d]: %s is listed twice", i, n)
		}
		out = append(out, v)
	}
	return out, nil
}
