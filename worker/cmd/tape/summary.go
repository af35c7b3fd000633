package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// summary tallies a stream per symbol.
type summary struct {
	first, last time.Time
	total       int
	symbols     map[arena.Symbol]*symbolSummary
	order       []arena.Symbol
}

type symbolSummary struct {
	book                      *marketdata.Book
	snapshots, deltas, trades int
	stats                     int
	rejected, crossed         int // updates the book refused; updates leaving it crossed
	volume, buyVolume         arena.Fixed
	firstMid, lastMid         arena.Fixed
	lowMid, highMid           arena.Fixed
	lastStats                 arena.MarketStats
}

func (s *summary) sink() marketdata.Sink {
	return marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
		s.add(m)
		return nil
	})
}

func (s *summary) add(m marketdata.Message) {
	t := m.Time()
	if s.total == 0 || t.Before(s.first) {
		s.first = t
	}
	if t.After(s.last) {
		s.last = t
	}
	s.total++
	sym := s.symbol(m.Symbol())
	switch m.Kind {
	case marketdata.KindBook:
		sym.addBook(m.Book)
	case marketdata.KindTrade:
		sym.trades++
		sym.volume += m.Trade.Size
		if m.Trade.TakerBuy {
			sym.buyVolume += m.Trade.Size
		}
	case marketdata.KindStats:
		sym.stats++
		sym.lastStats = m.Stats
	}
}

func (s *summary) symbol(sym arena.Symbol) *symbolSummary {
	if s.symbols == nil {
		s.symbols = map[arena.Symbol]*symbolSummary{}
	}
	ss := s.symbols[sym]
	if ss == nil {
		ss = &symbolSummary{book: marketdata.NewBook(sym)}
		s.symbols[sym] = ss
		s.order = append(s.order, sym)
	}
	return ss
}

func (ss *symbolSummary) addBook(u arena.BookUpdate) {
	if u.Snapshot {
		ss.snapshots++
	} else {
		ss.deltas++
	}
	if ss.book.Apply(u) != nil {
		ss.rejected++
		return
	}
	if ss.book.Crossed() {
		ss.crossed++
	}
	mid, ok := ss.book.Mid()
	if !ok {
		return
	}
	if ss.firstMid == 0 {
		ss.firstMid, ss.lowMid, ss.highMid = mid, mid, mid
	}
	ss.lastMid, ss.lowMid, ss.highMid = mid, ss.lowMid.Min(mid), ss.highMid.Max(mid)
}

func (s *summary) headline() string {
	if s.total == 0 {
		return "0 messages"
	}
	return fmt.Sprintf("%d messages, %s → %s (%v)", s.total, s.first.Format(time.RFC3339), s.last.Format(time.RFC3339), s.last.Sub(s.first))
}

// write prints the per-symbol table.
func (s *summary) write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "symbol\tsnapshots\tdeltas\tbad\ttrades\tvolume\tbuy %\tstats\tfirst mid\tlast mid\tlow\thigh\tmark\tfunding/h\t")
	for _, sym := range slices.Sorted(slices.Values(s.order)) {
		ss := s.symbols[sym]
		buy := "-"
		if ss.volume > 0 {
			buy = fmt.Sprintf("%.1f", 100*ss.buyVolume.Float64()/ss.volume.Float64())
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			sym, ss.snapshots, ss.deltas, ss.rejected+ss.crossed, ss.trades, ss.volume, buy, ss.stats,
			ss.firstMid, ss.lastMid, ss.lowMid, ss.highMid, ss.lastStats.MarkPrice, ss.lastStats.FundingRate)
	}
	return tw.Flush()
}
