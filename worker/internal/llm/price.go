package llm

import (
	"fmt"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
)

// Price is what a model costs in USD per million tokens.
type Price struct {
	InputPerMTok  arena.Fixed
	OutputPerMTok arena.Fixed
}

var million = arena.FixedInt(1_000_000)

// Cost returns the USD cost of u, exact to 1e-8 USD. Reasoning tokens are
// part of the output tokens and billed as such.
func (p Price) Cost(u arena.Usage) arena.Fixed {
	return tokensCost(u.InputTokens, p.InputPerMTok) + tokensCost(u.OutputTokens, p.OutputPerMTok)
}

func tokensCost(tokens int64, perMTok arena.Fixed) arena.Fixed {
	if tokens <= 0 || perMTok <= 0 {
		return 0
	}
	c, err := arena.FixedInt(tokens).MulChecked(perMTok)
	if err != nil {
		return arena.MaxFixed
	}
	return c.Div(million)
}

// PriceTable maps a provider model id to its price.
type PriceTable map[string]Price

// DefaultPrices lists the default roster's models at their public list
// prices (OpenRouter / vendor, late 2025) so that runs on NIM's free tier
// still show what the same tokens would cost. Override with ParsePrices.
func DefaultPrices() PriceTable {
	p := func(in, out string) Price { return Price{arena.MustFixed(in), arena.MustFixed(out)} }
	return PriceTable{
		"deepseek-ai/deepseek-v3.1-terminus": p("0.27", "1.00"),
		"minimaxai/minimax-m2":               p("0.30", "1.20"),
		"moonshotai/kimi-k2-thinking":        p("0.60", "2.50"),
	}
}

// Lookup returns the price of model; unknown models cost 0.
func (t PriceTable) Lookup(model string) Price { return t[model] }

// With returns a copy of t with overrides applied.
func (t PriceTable) With(overrides PriceTable) PriceTable {
	out := make(PriceTable, len(t)+len(overrides))
	for k, v := range t {
		out[k] = v
	}
	for k, v := range overrides {
		out[k] = v
	}
	return out
}

// ParsePrices reads overrides written as "model=input/output" entries
// separated by commas or semicolons, in USD per million tokens:
// "moonshotai/kimi-k2-thinking=0.6/2.5,minimaxai/minimax-m2=0/0".
func ParsePrices(s string) (PriceTable, error) {
	out := PriceTable{}
	for _, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		entry = strings.TrimSpace(entry)
		model, prices, ok := strings.Cut(entry, "=")
		in, outp, ok2 := strings.Cut(prices, "/")
		if !ok || !ok2 || strings.TrimSpace(model) == "" {
			return nil, fmt.Errorf("parse price %q: want model=input/output", entry)
		}
		pi, err := arena.ParseFixed(strings.TrimSpace(in))
		if err != nil || pi < 0 {
			return nil, fmt.Errorf("parse input price of %q: not a non-negative decimal", entry)
		}
		po, err := arena.ParseFixed(strings.TrimSpace(outp))
		if err != nil || po < 0 {
			return nil, fmt.Errorf("parse output price of %q: not a non-negative decimal", entry)
		}
		out[strings.TrimSpace(model)] = Price{pi, po}
	}
	return out, nil
}
