package marketdata

import (
	"context"
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Kind tells which payload a Message carries.
type Kind uint8

// Message kinds. The zero Kind is invalid so a zero Message is detectably empty.
const (
	KindBook Kind = iota + 1
	KindTrade
	KindStats
)

// String returns the kind's tape tag: "book", "trade" or "stats".
func (k Kind) String() string {
	switch k {
	case KindBook:
		return "book"
	case KindTrade:
		return "trade"
	case KindStats:
		return "stats"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	switch s {
	case "book":
		return KindBook, nil
	case "trade":
		return KindTrade, nil
	case "stats":
		return KindStats, nil
	}
	return 0, arena.Errorf(arena.CodeInvalid, "unknown message kind %q", s)
}

// Message is one feed message of any kind: the payload named by Kind is set,
// the others are zero. Feeds call Sink methods directly; Message exists for
// code that stores or forwards messages generically (tapes, tests).
type Message struct {
	Kind  Kind
	Book  arena.BookUpdate
	Trade arena.TradePrint
	Stats arena.MarketStats
}

// BookMessage, TradeMessage and StatsMessage wrap a payload.
func BookMessage(u arena.BookUpdate) Message   { return Message{Kind: KindBook, Book: u} }
func TradeMessage(t arena.TradePrint) Message  { return Message{Kind: KindTrade, Trade: t} }
func StatsMessage(s arena.MarketStats) Message { return Message{Kind: KindStats, Stats: s} }

// Symbol returns the symbol of the payload.
func (m Message) Symbol() arena.Symbol {
	switch m.Kind {
	case KindBook:
		return m.Book.Symbol
	case KindTrade:
		return m.Trade.Symbol
	case KindStats:
		return m.Stats.Symbol
	}
	return ""
}

// Time returns the venue timestamp of the payload.
func (m Message) Time() time.Time {
	switch m.Kind {
	case KindBook:
		return m.Book.Time
	case KindTrade:
		return m.Trade.Time
	case KindStats:
		return m.Stats.Time
	}
	return time.Time{}
}

// Deliver hands the payload to the matching Sink method.
func (m Message) Deliver(ctx context.Context, s Sink) error {
	switch m.Kind {
	case KindBook:
		return s.OnBook(ctx, m.Book)
	case KindTrade:
		return s.OnTrade(ctx, m.Trade)
	case KindStats:
		return s.OnStats(ctx, m.Stats)
	}
	return arena.Errorf(arena.CodeInvalid, "deliver message: %v", m.Kind)
}

// SinkFunc adapts a function taking Messages to a Sink.
type SinkFunc func(ctx context.Context, m Message) error

// OnBook implements Sink.
func (f SinkFunc) OnBook(ctx context.Context, u arena.BookUpdate) error {
	return f(ctx, BookMessage(u))
}

// OnTrade implements Sink.
func (f SinkFunc) OnTrade(ctx context.Context, t arena.TradePrint) error {
	return f(ctx, TradeMessage(t))
}

// OnStats implements Sink.
func (f SinkFunc) OnStats(ctx context.Context, s arena.MarketStats) error {
	return f(ctx, StatsMessage(s))
}

// Tee returns a Sink that hands every message to each of sinks in turn,
// stopping at the first error. Book slices are shared between the sinks, so
// none of them may modify them.
func Tee(sinks ...Sink) Sink { return tee(sinks) }

type tee []Sink

func (t tee) OnBook(ctx context.Context, u arena.BookUpdate) error {
	for _, s := range t {
		if err := s.OnBook(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) OnTrade(ctx context.Context, tr arena.TradePrint) error {
	for _, s := range t {
		if err := s.OnTrade(ctx, tr); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) OnStats(ctx context.Context, st arena.MarketStats) error {
	for _, s := range t {
		if err := s.OnStats(ctx, st); err != nil {
			return err
		}
	}
	return nil
}
