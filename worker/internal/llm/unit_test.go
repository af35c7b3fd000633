package llm

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

func TestPriceCost(t *testing.T) {
	tests := []struct {
		price Price
		usage arena.Usage
		want  string
	}{
		{Price{arena.MustFixed("0.27"), arena.MustFixed("1")}, arena.Usage{InputTokens: 1, OutputTokens: 1}, "0.00000127"},
		{Price{arena.MustFixed("0.6"), arena.MustFixed("2.5")}, arena.Usage{InputTokens: 1_000_000, OutputTokens: 2_000_000}, "5.6"},
		{Price{}, arena.Usage{InputTokens: 1000}, "0"},
		{Price{arena.MustFixed("3"), arena.MustFixed("15")}, arena.Usage{InputTokens: 12345, OutputTokens: 678, ReasoningTokens: 500}, "0.047205"},
	}
	for _, tt := range tests {
		if got := tt.price.Cost(tt.usage); got != arena.MustFixed(tt.want) {
			t.Errorf("%+v × %+v = %s, want %s", tt.price, tt.usage, got, tt.want)
		}
	}
}

func TestParsePrices(t *testing.T) {
	got, err := ParsePrices("moonshotai/kimi-k2-thinking=0.6/2.5; local/llama = 0/0")
	if err != nil {
		t.Fatal(err)
	}
	if got["moonshotai/kimi-k2-thinking"] != (Price{arena.MustFixed("0.6"), arena.MustFixed("2.5")}) || len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	merged := DefaultPrices().With(got)
	if merged.Lookup("local/llama") != (Price{}) || merged.Lookup("minimaxai/minimax-m2").OutputPerMTok != arena.MustFixed("1.2") {
		t.Fatalf("merged %+v", merged)
	}
	for _, bad := range []string{"x=1", "=1/2", "x=a/2", "x=1/-2"} {
		if _, err := ParsePrices(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, e := range arena.DefaultRoster() {
		if e.Kind == arena.KindLLM && DefaultPrices().Lookup(e.ProviderModel) == (Price{}) {
			t.Errorf("no price for roster model %s", e.ProviderModel)
		}
	}
}

func TestSplitThink(t *testing.T) {
	tests := []struct{ in, text, reasoning string }{
		{"plain answer", "plain answer", ""},
		{"<think>a</think>answer", "answer", "a"},
		{"<think>a</think>x<think>b</think>y", "xy", "a\n\nb"},
		{"<think>never closed", "", "never closed"},
		{"opening tag stripped</think>answer", "answer", "opening tag stripped"},
		{"<think> </think>", "", ""},
	}
	for _, tt := range tests {
		text, r := splitThink(tt.in)
		if text != tt.text || r != tt.reasoning {
			t.Errorf("splitThink(%q) = %q, %q; want %q, %q", tt.in, text, r, tt.text, tt.reasoning)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 11, 21, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		h    string
		want time.Duration
	}{
		{"", 0}, {"7", 7 * time.Second}, {"0.5", 500 * time.Millisecond}, {"-3", 0}, {"soon", 0},
		{"Fri, 21 Nov 2025 10:00:30 GMT", 30 * time.Second}, {"Fri, 21 Nov 2025 09:00:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.h, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.h, got, tt.want)
		}
	}
}

func TestRequestExtraFieldsMerge(t *testing.T) {
	temp := 0.0
	b, err := json.Marshal(chatRequest{Model: "m", Temperature: &temp, Extra: map[string]json.RawMessage{
		"reasoning": json.RawMessage(`{"effort":"high"}`), "model": json.RawMessage(`"hijack"`)}})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(b, &got)
	if got["model"] != "m" || got["reasoning"].(map[string]any)["effort"] != "high" || got["temperature"] != 0.0 {
		t.Fatalf("%s", b)
	}
}

func TestArgumentsText(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`"{\"a\":1}"`, `{"a":1}`}, {`{"a":1}`, `{"a":1}`}, {`null`, ``}, {`""`, ``}, {`"{broken"`, `{broken`},
	}
	for _, tt := range tests {
		if got := (functionCall{Arguments: json.RawMessage(tt.raw)}).argumentsText(); got != tt.want {
			t.Errorf("%s → %q, want %q", tt.raw, got, tt.want)
		}
	}
}
