package exchange

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// market is the live state of one market: the venue's book, marks and
// funding, our resting orders, and the trigger index of its positions.
type market struct {
	spec   arena.Market
	idx    int
	maker  arena.Fixed // fee rates as fractions
	taker  arena.Fixed
	liq    arena.Fixed
	maxLev arena.Fixed

	book    book
	mark    arena.Fixed // mid of the venue book; the venue's mark until the book has both sides
	updated time.Time   // exchange clock at the last book update
	lastSeq uint64

	venueMark   arena.Fixed
	fundingRate arena.Fixed // fraction per hour
	hasRate     bool
	// lastRate and lastMark are what the market had before a restart,
	// used for funding until the feed brings new ones.
	lastRate, lastMark arena.Fixed
	hasLastRate        bool

	// Our resting orders, best first, then by time.
	restBids []*liveOrder
	restAsks []*liveOrder

	below   triggerList // fire when mark ≤ price
	above   triggerList // fire when mark ≥ price
	timeDue int         // time exits waiting for a fresh book

	parked []*liveOrder // restored pending orders due before the first book
}

// bookDepth is the initial capacity per book side; deeper books grow once.
const bookDepth = 256

func newMarket(idx int, spec arena.Market) *market {
	maker, _ := bpsRate(spec.MakerFeeBps)
	taker, _ := bpsRate(spec.TakerFeeBps)
	liq, _ := bpsRate(spec.LiquidationFeeBps)
	return &market{
		spec: spec, idx: idx,
		maker: maker, taker: taker, liq: liq,
		maxLev: spec.MaxLeverage(),
		book:   newBook(bookDepth),
		below:  triggerList{items: make([]trigger, 0, 64)},
		above:  triggerList{items: make([]trigger, 0, 64), above: true},
	}
}

// resting returns the list of our resting orders on side s.
func (m *market) resting(s arena.Side) *[]*liveOrder {
	if s == arena.Long {
		return &m.restBids
	}
	return &m.restAsks
}

// feeRate is the fee fraction for liquidity l.
func (m *market) feeRate(l arena.Liquidity) arena.Fixed {
	if l == arena.Maker {
		return m.maker
	}
	return m.taker
}
