package rpc

import (
	"context"
	"fmt"

	"github.com/autonome-go/autonome/shared/arena"
)

// BookSource reads the latest venue order book the worker stored
// (*redis.Books).
type BookSource interface {
	Get(ctx context.Context, sym arena.Symbol) (arena.BookUpdate, bool, error)
}

// OrderBookInput is simulator.getOrderBook's input.
type OrderBookInput struct {
	Symbol string `json:"symbol"`

	sym arena.Symbol
}

// Validate requires a listed market.
func (in *OrderBookInput) Validate() error {
	in.sym = arena.NormalizeSymbol(in.Symbol)
	if in.Symbol == "" {
		return Invalid(Issue{Path: []any{"symbol"}, Message: "required: one of " + symbolList()})
	}
	if _, err := arena.MarketBySymbol(arena.DefaultMarkets(), in.sym); err != nil {
		return Invalid(Issue{Path: []any{"symbol"}, Message: fmt.Sprintf("unknown symbol %q: expected one of %s", in.Symbol, symbolList())})
	}
	return nil
}

// OrderBookOutput is simulator.getOrderBook's output.
type OrderBookOutput struct {
	OrderBook OrderBook `json:"orderBook"`
}

// OrderBook is the reference's OrderBookSnapshot: the venue's best levels
// (at most 50 per side; bids highest first, asks lowest first) as the
// worker last stored them, timestamped by the venue. Message flags a book
// older than staleAfter.
type OrderBook struct {
	Symbol    string      `json:"symbol"`
	Bids      []BookLevel `json:"bids"`
	Asks      []BookLevel `json:"asks"`
	Timestamp string      `json:"timestamp"`
	Message   string      `json:"message,omitempty"`
}

// BookLevel is one price level: quantity in base units.
type BookLevel struct {
	Price    arena.Fixed `json:"price"`
	Quantity arena.Fixed `json:"quantity"`
}

func (a *api) getOrderBook(ctx context.Context, in OrderBookInput) (OrderBookOutput, error) {
	if a.Books == nil {
		return OrderBookOutput{}, arena.Errorf(arena.CodeUnavailable, "order books are not configured")
	}
	b, ok, err := a.Books.Get(ctx, in.sym)
	if err != nil {
		return OrderBookOutput{}, arena.WrapError(arena.CodeUnavailable, err, "order books are unavailable")
	}
	if !ok {
		return OrderBookOutput{}, arena.Errorf(arena.CodeNotFound, "no order book for %s yet: the worker has not received its market data", in.sym)
	}
	out := OrderBook{Symbol: string(b.Symbol), Bids: levels(b.Bids), Asks: levels(b.Asks), Timestamp: ISO(b.Time)}
	if a.Now().Sub(b.Time) > staleAfter {
		out.Message = "stale: last update " + ISO(b.Time)
	}
	return OrderBookOutput{OrderBook: out}, nil
}

func levels(ls []arena.Level) []BookLevel {
	out := make([]BookLevel, len(ls))
	for i, l := range ls {
		out[i] = BookLevel{Price: l.Price, Quantity: l.Size}
	}
	return out
}
