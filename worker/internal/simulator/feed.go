package simulator

import (
	"context"

	"github.com/autonome-go/autonome/shared/arena"
)

// OnBook implements marketdata.Sink. A book the exchange refuses (crossed,
// out of sequence) is logged and skipped: the feed resynchronises.
func (s *Simulator) OnBook(_ context.Context, u arena.BookUpdate) error {
	if err := s.ex.ApplyBook(s.now(), u); err != nil {
		s.log.Debug("book update refused", "symbol", u.Symbol, "err", err)
	}
	return nil
}

// OnTrade implements marketdata.Sink.
func (s *Simulator) OnTrade(_ context.Context, t arena.TradePrint) error {
	if err := s.ex.ApplyTrade(s.now(), t); err != nil {
		s.log.Debug("trade print refused", "symbol", t.Symbol, "err", err)
	}
	return nil
}

// OnStats implements marketdata.Sink.
func (s *Simulator) OnStats(_ context.Context, st arena.MarketStats) error {
	if err := s.ex.ApplyStats(s.now(), st); err != nil {
		s.log.Debug("market stats refused", "symbol", st.Symbol, "err", err)
	}
	return nil
}
