package ticker

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// BookDepth is how many levels per side a published book holds (the
// reference read 50 orders of the venue's book).
const BookDepth = 50

// maxLevels bounds the levels kept per side, whatever the feed sends.
const maxLevels = 5000

// Books follows the venue's order books from the market-data feed (it is a
// marketdata.Sink, placed after the simulator in the feed's tee so it sees
// the updates the simulator accepted) and hands the ticker their best
// levels. It is the venue's book, not the simulator's copy depleted by our
// own takers: what a client asking for the book should see.
type Books struct {
	mu      sync.Mutex
	books   map[arena.Symbol]*venueBook
	version uint64 // bumped on every change
}

type venueBook struct {
	bids, asks map[arena.Fixed]arena.Fixed
	lastSeq    uint64
	symbol     arena.Symbol
	at         time.Time // the venue time of the latest update
}

// NewBooks returns an empty book follower.
func NewBooks() *Books { return &Books{books: map[arena.Symbol]*venueBook{}} }

// OnBook applies a snapshot or delta (size 0 deletes a level). A delta not
// after the last sequence is ignored, as the simulator refuses it.
func (b *Books) OnBook(_ context.Context, u arena.BookUpdate) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	vb := b.books[u.Symbol]
	if vb == nil || u.Snapshot {
		if vb == nil && !u.Snapshot {
			return nil // a delta before any snapshot has nothing to apply to
		}
		vb = &venueBook{bids: map[arena.Fixed]arena.Fixed{}, asks: map[arena.Fixed]arena.Fixed{}}
		b.books[u.Symbol] = vb
	} else if u.Seq != 0 && u.Seq <= vb.lastSeq {
		return nil
	}
	setLevels(vb.bids, u.Bids)
	setLevels(vb.asks, u.Asks)
	vb.lastSeq = u.Seq
	vb.symbol, vb.at = u.Symbol, u.Time
	b.version++
	return nil
}

func setLevels(side map[arena.Fixed]arena.Fixed, levels []arena.Level) {
	for _, l := range levels {
		switch {
		case l.Size <= 0:
			delete(side, l.Price)
		case len(side) < maxLevels || side[l.Price] != 0:
			side[l.Price] = l.Size
		}
	}
}

// OnTrade implements marketdata.Sink; trades do not change the book.
func (b *Books) OnTrade(context.Context, arena.TradePrint) error { return nil }

// OnStats implements marketdata.Sink.
func (b *Books) OnStats(context.Context, arena.MarketStats) error { return nil }

// Snapshot returns every book's best BookDepth levels per side (bids
// highest first, asks lowest first), sorted by symbol, and a version that
// changes whenever any book changed.
func (b *Books) Snapshot() ([]arena.BookUpdate, uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]arena.BookUpdate, 0, len(b.books))
	for _, vb := range b.books {
		out = append(out, arena.BookUpdate{Symbol: vb.symbol, Time: vb.at, Seq: vb.lastSeq, Snapshot: true,
			Bids: best(vb.bids, true), Asks: best(vb.asks, false)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Symbol < out[j].Symbol })
	return out, b.version
}

func best(side map[arena.Fixed]arena.Fixed, desc bool) []arena.Level {
	out := make([]arena.Level, 0, len(side))
	for p, s := range side {
		out = append(out, arena.Level{Price: p, Size: s})
	}
	sort.Slice(out, func(i, j int) bool { return (out[i].Price > out[j].Price) == desc })
	return out[:min(len(out), BookDepth)]
}
