package lighter

import (
	"cmp"
	"slices"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// bookUpdate converts the wire book. Snapshots are sorted best first and
// lose empty levels; deltas keep the venue's order and zeros.
func bookUpdate(sym arena.Symbol, m *wsMessage, snapshot bool) arena.BookUpdate {
	t := epoch(m.Timestamp)
	if t.IsZero() {
		t = epoch(m.OrderBook.LastUpdatedAt)
	}
	u := arena.BookUpdate{
		Symbol: sym, Time: t, Seq: uint64(max(m.OrderBook.Nonce, 0)), Snapshot: snapshot,
		Bids: levels(m.OrderBook.Bids, snapshot), Asks: levels(m.OrderBook.Asks, snapshot),
	}
	if snapshot {
		sortSide(u.Bids, func(a, b arena.Fixed) int { return cmp.Compare(b, a) })
		sortSide(u.Asks, cmp.Compare[arena.Fixed])
	}
	return u
}

func levels(src []wsLevel, dropEmpty bool) []arena.Level {
	out := make([]arena.Level, 0, len(src))
	for _, l := range src {
		if dropEmpty && l.Size == 0 {
			continue
		}
		out = append(out, arena.Level{Price: arena.Fixed(l.Price), Size: arena.Fixed(l.Size)})
	}
	return out
}

func sortSide(ls []arena.Level, order func(a, b arena.Fixed) int) {
	byPrice := func(x, y arena.Level) int { return order(x.Price, y.Price) }
	if !slices.IsSortedFunc(ls, byPrice) {
		slices.SortStableFunc(ls, byPrice)
	}
}

func tradeTime(tr wsTrade, msgTime int64) time.Time {
	if t := epoch(tr.Timestamp); !t.IsZero() {
		return t
	}
	return epoch(msgTime)
}

func errCode(e *wsError) int {
	if e == nil {
		return 0
	}
	return e.Code
}

func errMessage(e *wsError) string {
	if e == nil {
		return ""
	}
	return e.Message
}
