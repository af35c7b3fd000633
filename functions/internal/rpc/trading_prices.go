package rpc

import (
	"context"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// MarkSource returns the latest price of every symbol (the worker's marks in Redis).
type MarkSource interface {
	All(ctx context.Context) ([]arena.Price, error)
}

// PricesInput is trading.getCryptoPrices' input.
type PricesInput struct {
	Symbols []string `json:"symbols,omitempty"`
}

// PriceItem is one entry of getCryptoPrices' output.
type PriceItem struct {
	Symbol  string      `json:"symbol"`
	Price   arena.Fixed `json:"price"`
	Message string      `json:"message,omitempty"`
}

// PricesOutput is trading.getCryptoPrices' output.
type PricesOutput struct {
	Prices []PriceItem `json:"prices"`
}

// staleAfter is the age after which a price is flagged rather than hidden.
const staleAfter = 30 * time.Second

func getCryptoPrices(marks MarkSource, now func() time.Time) func(context.Context, PricesInput) (PricesOutput, error) {
	return func(ctx context.Context, in PricesInput) (PricesOutput, error) {
		all, err := marks.All(ctx)
		if err != nil {
			return PricesOutput{}, arena.WrapError(arena.CodeUnavailable, err, "prices are unavailable")
		}
		bySym := make(map[arena.Symbol]arena.Price, len(all))
		for _, p := range all {
			bySym[p.Symbol] = p
		}
		want := make([]arena.Symbol, 0, len(all))
		if len(in.Symbols) == 0 {
			for _, p := range all {
				want = append(want, p.Symbol)
			}
		} else {
			for _, s := range in.Symbols {
				want = append(want, arena.NormalizeSymbol(s))
			}
		}
		out := PricesOutput{Prices: make([]PriceItem, 0, len(want))}
		for _, s := range want {
			p, ok := bySym[s]
			switch {
			case !ok:
				out.Prices = append(out.Prices, PriceItem{Symbol: string(s), Message: "no price available"})
			case now().Sub(p.Time) > staleAfter:
				out.Prices = append(out.Prices, PriceItem{Symbol: string(s), Price: p.Price, Message: "stale: last update " + ISO(p.Time)})
			default:
				out.Prices = append(out.Prices, PriceItem{Symbol: string(s), Price: p.Price})
			}
		}
		return out, nil
	}
}

// Validate bounds the symbol list.
func (in *PricesInput) Validate() error {
	if len(in.Symbols) > 20 {
		return Invalid(Issue{Path: []any{"symbols"}, Message: "at most 20 symbols"})
	}
	return nil
}
