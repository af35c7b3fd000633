package arena

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"
)

// An account is one model's USDT-margined cross-margin account. Its cash
// changes only through the records below, so that for every account
//
//	cash = capital + Σ fill.RealizedPnL − Σ fill.Fee − Σ liquidation.Fee
//	       + Σ funding.Amount + Σ insurance.Amount
//
// holds exactly (an AccountReset starts the sum again from its Capital).
// CheckLedger verifies it from the records alone.

// FundingPayment is one hourly funding settlement of one position: Amount =
// −(signed quantity × MarkPrice × Rate), so longs pay when Rate > 0.
type FundingPayment struct {
	Seq        uint64    `json:"seq"`
	Time       time.Time `json:"time"`
	AccountID  string    `json:"accountId"`
	PositionID string    `json:"positionId"`
	Symbol     Symbol    `json:"symbol"`
	Side       Side      `json:"side"`
	Quantity   Fixed     `json:"quantity"`
	MarkPrice  Fixed     `json:"markPrice"`
	Rate       Fixed     `json:"rate"`   // fraction per hour
	Amount     Fixed     `json:"amount"` // received (+) or paid (−)
	CashAfter  Fixed     `json:"cashAfter"`
	// VenueRef identifies a payment a real venue made (a live account's
	// funding, e.g. "lighter:<funding_id>"): booked once per ref. Empty for
	// the simulator's own hourly funding.
	VenueRef string `json:"venueRef,omitempty"`
}

// Liquidation records that an account fell below its maintenance margin and
// had its positions closed through the book (the closing fills carry the
// LIQUIDATION trigger). Fee is the liquidation fee charged on the closed
// notional, capped at what the account had left.
type Liquidation struct {
	Seq               uint64    `json:"seq"`
	Time              time.Time `json:"time"`
	AccountID         string    `json:"accountId"`
	Equity            Fixed     `json:"equity"`            // before the liquidation
	MaintenanceMargin Fixed     `json:"maintenanceMargin"` // before the liquidation
	ClosedNotional    Fixed     `json:"closedNotional"`
	Fee               Fixed     `json:"fee"`
	CashAfter         Fixed     `json:"cashAfter"`
}

// InsuranceEntry records a deficit covered after a liquidation: the account
// had no positions left and negative cash, so the insurance fund credited
// Amount (> 0) to bring cash back to zero. Money never appears or vanishes:
// the fund's balance is −Σ Amount.
type InsuranceEntry struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	AccountID string    `json:"accountId"`
	Amount    Fixed     `json:"amount"`
	CashAfter Fixed     `json:"cashAfter"`
}

// AccountReset records that an account was wiped and refunded to Capital.
// Its positions are closed with the RESET trigger (nothing was traded) and
// its live orders cancelled in the same batch.
type AccountReset struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	AccountID string    `json:"accountId"`
	Capital   Fixed     `json:"capital"`
}

// Batch is every record produced by one exchange operation, to be persisted
// in one transaction. Seq numbers batches; every record carries its own Seq,
// unique and increasing across all record kinds, which orders the records of
// a batch. Orders and Positions hold the state after the change.
type Batch struct {
	Seq          uint64           `json:"seq"`
	Time         time.Time        `json:"time"`
	Orders       []Order          `json:"orders,omitempty"`
	Fills        []Fill           `json:"fills,omitempty"`
	Positions    []Position       `json:"positions,omitempty"`
	Funding      []FundingPayment `json:"funding,omitempty"`
	Liquidations []Liquidation    `json:"liquidations,omitempty"`
	Insurance    []InsuranceEntry `json:"insurance,omitempty"`
	Resets       []AccountReset   `json:"resets,omitempty"`

	// The exchange's own state after the batch, persisted with it so that a
	// restart continues exactly: each market's last funding rate and mark
	// (funding for an hour that passes before the feed is back is settled
	// at them), the slippage generator and the order priority sequence.
	Rates    []MarketRate `json:"rates,omitempty"`
	RNG      []byte       `json:"rng,omitempty"`
	OrderSeq uint64       `json:"orderSeq,omitempty"`
}

// MarketRate is a market's last known funding rate (fraction per hour) and
// mark; zero when not known yet.
type MarketRate struct {
	Symbol Symbol `json:"symbol"`
	Rate   Fixed  `json:"rate"`
	Mark   Fixed  `json:"mark"`
	// HasRate tells a known rate of zero from an unknown one.
	HasRate bool `json:"hasRate,omitempty"`
}

// Empty reports whether the batch holds no record.
func (b *Batch) Empty() bool {
	return len(b.Orders)+len(b.Fills)+len(b.Positions)+len(b.Funding)+
		len(b.Liquidations)+len(b.Insurance)+len(b.Resets) == 0
}

// MaxSeq is the highest record Seq in the batch (0 when empty): once the
// batch is persisted, every record up to it is.
func (b *Batch) MaxSeq() uint64 {
	var m uint64
	for _, x := range b.Orders {
		m = max(m, x.Seq)
	}
	for _, x := range b.Fills {
		m = max(m, x.Seq)
	}
	for _, x := range b.Positions {
		m = max(m, x.Seq)
	}
	for _, x := range b.Funding {
		m = max(m, x.Seq)
	}
	for _, x := range b.Liquidations {
		m = max(m, x.Seq)
	}
	for _, x := range b.Insurance {
		m = max(m, x.Seq)
	}
	for _, x := range b.Resets {
		m = max(m, x.Seq)
	}
	return m
}

// Truncate empties the batch, keeping its capacity.
func (b *Batch) Truncate() {
	b.Orders, b.Fills, b.Positions = b.Orders[:0], b.Fills[:0], b.Positions[:0]
	b.Funding, b.Liquidations = b.Funding[:0], b.Liquidations[:0]
	b.Insurance, b.Resets = b.Insurance[:0], b.Resets[:0]
}

// Clone returns a copy that shares no slice with b; empty slices become nil.
func (b *Batch) Clone() Batch {
	return Batch{
		Seq: b.Seq, Time: b.Time,
		Orders: cloneRecords(b.Orders), Fills: cloneRecords(b.Fills), Positions: cloneRecords(b.Positions),
		Funding: cloneRecords(b.Funding), Liquidations: cloneRecords(b.Liquidations),
		Insurance: cloneRecords(b.Insurance), Resets: cloneRecords(b.Resets),
		Rates: cloneRecords(b.Rates), RNG: cloneRecords(b.RNG), OrderSeq: b.OrderSeq,
	}
}

func cloneRecords[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// AccountSnapshot is an account valued at the current marks.
//
//	Equity    = Cash + UnrealizedPnL
//	Available = Equity − UsedMargin − OrderMargin
type AccountSnapshot struct {
	AccountID         string             `json:"accountId"`
	Time              time.Time          `json:"time"`
	Capital           Fixed              `json:"capital"` // starting capital of the current ledger
	Cash              Fixed              `json:"cash"`
	Equity            Fixed              `json:"equity"`
	Available         Fixed              `json:"available"`
	UsedMargin        Fixed              `json:"usedMargin"`  // Σ position margin
	OrderMargin       Fixed              `json:"orderMargin"` // reserved by resting orders
	MaintenanceMargin Fixed              `json:"maintenanceMargin"`
	UnrealizedPnL     Fixed              `json:"unrealizedPnl"`
	RealizedPnL       Fixed              `json:"realizedPnl"`
	Fees              Fixed              `json:"fees"`
	Funding           Fixed              `json:"funding"`
	Insurance         Fixed              `json:"insurance"`
	Positions         []PositionSnapshot `json:"positions"`
	Orders            []Order            `json:"orders"` // live: pending and resting
}

// AccountState is what the exchange needs to rebuild one account: the ledger
// totals, the open positions, the live orders (pending and resting, with
// their queue position) and, optionally, recently finished orders so that a
// retried client order id is still recognised.
type AccountState struct {
	AccountID   string     `json:"accountId"`
	Capital     Fixed      `json:"capital"`
	Cash        Fixed      `json:"cash"`
	RealizedPnL Fixed      `json:"realizedPnl"`
	Fees        Fixed      `json:"fees"`
	Funding     Fixed      `json:"funding"`
	Insurance   Fixed      `json:"insurance"`
	Positions   []Position `json:"positions"`
	Orders      []Order    `json:"orders"`
	Recent      []Order    `json:"recent,omitempty"`
	// RecentComplete says Recent holds every finished order the account
	// ever had; otherwise older client order ids must be looked up in the
	// ledger before an id is executed.
	RecentComplete bool `json:"recentComplete,omitempty"`
}

// ExchangeState is the whole restorable state of an exchange. What is
// persisted to PostgreSQL leaves Markets out (after a restart the feed
// brings the books); a checkpoint (exchange.Checkpoint, a journal's period
// boundary) carries them, so a replay can start there.
type ExchangeState struct {
	Time        time.Time      `json:"time"`
	LastFunding time.Time      `json:"lastFunding"` // the last funding hour settled
	RecordSeq   uint64         `json:"recordSeq"`   // last record Seq issued
	BatchSeq    uint64         `json:"batchSeq"`    // last Batch Seq issued
	OrderSeq    uint64         `json:"orderSeq"`    // last Order.Priority issued (the highest in any order record)
	RNG         []byte         `json:"rng,omitempty"`
	Rates       []MarketRate   `json:"rates,omitempty"` // last funding rate and mark per market
	Accounts    []AccountState `json:"accounts"`
	Markets     []MarketState  `json:"markets,omitempty"`
}

// MarketState is the venue's side of a market at a checkpoint: its book as
// the exchange holds it, with the part of each level our takers have
// consumed since the venue last updated it, its marks and funding rate.
type MarketState struct {
	Symbol      Symbol      `json:"symbol"`
	Updated     time.Time   `json:"updated"` // the exchange's clock at the last book update
	Seq         uint64      `json:"seq,omitempty"`
	Mark        Fixed       `json:"mark"`
	VenueMark   Fixed       `json:"venueMark"`
	FundingRate Fixed       `json:"fundingRate"`
	HasRate     bool        `json:"hasRate,omitempty"`
	Bids        []BookLevel `json:"bids"` // best first
	Asks        []BookLevel `json:"asks"`
}

// BookLevel is one level of a checkpointed book.
type BookLevel struct {
	Price Fixed `json:"price"`
	Size  Fixed `json:"size"`
	Used  Fixed `json:"used,omitempty"`
}

// LedgerTotals is an account's ledger as recomputed by CheckLedger.
// Positions holds the signed net quantity per symbol.
type LedgerTotals struct {
	Capital     Fixed
	Cash        Fixed
	RealizedPnL Fixed
	Fees        Fixed
	Funding     Fixed
	Insurance   Fixed
	Positions   map[Symbol]Fixed
}

// CheckLedger recomputes accountID's ledger from the batches it was given,
// in order, starting from capital, and verifies that
//   - every cash-changing record's CashAfter equals the recomputed cash;
//   - cash = capital + realized − fees + funding + insurance at every step;
//   - fill quantities and prices are positive and no quantity is negative;
//   - after every batch, each position record agrees with the net quantity
//     the fills add up to.
//
// It returns the recomputed totals, to compare with the account itself.
func CheckLedger(accountID string, capital Fixed, batches []Batch) (LedgerTotals, error) {
	return CheckLedgerFrom(accountID, LedgerTotals{Capital: capital, Cash: capital}, batches)
}

// OpeningLedger is the ledger an account restored from s starts from, for
// CheckLedgerFrom.
func OpeningLedger(s AccountState) LedgerTotals {
	l := LedgerTotals{
		Capital: s.Capital, Cash: s.Cash, RealizedPnL: s.RealizedPnL, Fees: s.Fees,
		Funding: s.Funding, Insurance: s.Insurance, Positions: map[Symbol]Fixed{},
	}
	for _, p := range s.Positions {
		l.Positions[p.Symbol] = p.Signed()
	}
	return l
}

// CheckLedgerFrom is CheckLedger starting from an opening ledger (such as
// OpeningLedger of a restored account) instead of a fresh one.
func CheckLedgerFrom(accountID string, opening LedgerTotals, batches []Batch) (LedgerTotals, error) {
	l := ledger{LedgerTotals: opening}
	l.Positions = maps.Clone(opening.Positions)
	if l.Positions == nil {
		l.Positions = map[Symbol]Fixed{}
	}
	if want := l.Capital + l.RealizedPnL - l.Fees + l.Funding + l.Insurance; l.Cash != want {
		return l.LedgerTotals, fmt.Errorf("opening cash %s ≠ capital + realized − fees + funding + insurance = %s", l.Cash, want)
	}
	for i := range batches {
		if err := l.batch(accountID, &batches[i]); err != nil {
			return l.LedgerTotals, fmt.Errorf("batch %d: %w", batches[i].Seq, err)
		}
	}
	return l.LedgerTotals, nil
}

type ledger struct {
	LedgerTotals
	lastSeq uint64
}

type ledgerEntry struct {
	seq   uint64
	apply func(*ledger) error
}

func (l *ledger) batch(id string, b *Batch) error {
	var es []ledgerEntry
	for _, r := range b.Resets {
		if r.AccountID == id {
			es = append(es, ledgerEntry{r.Seq, func(l *ledger) error { return l.reset(r) }})
		}
	}
	for _, f := range b.Fills {
		if f.AccountID == id {
			es = append(es, ledgerEntry{f.Seq, func(l *ledger) error { return l.fill(f) }})
		}
	}
	for _, f := range b.Funding {
		if f.AccountID == id {
			es = append(es, ledgerEntry{f.Seq, func(l *ledger) error {
				return l.cash(f.Seq, f.Amount, 0, f.Amount, 0, f.CashAfter)
			}})
		}
	}
	for _, q := range b.Liquidations {
		if q.AccountID == id {
			if q.Fee < 0 {
				return fmt.Errorf("record %d: negative liquidation fee %s", q.Seq, q.Fee)
			}
			es = append(es, ledgerEntry{q.Seq, func(l *ledger) error { return l.cash(q.Seq, -q.Fee, q.Fee, 0, 0, q.CashAfter) }})
		}
	}
	for _, n := range b.Insurance {
		if n.AccountID == id {
			if n.Amount <= 0 {
				return fmt.Errorf("record %d: insurance amount %s is not positive", n.Seq, n.Amount)
			}
			es = append(es, ledgerEntry{n.Seq, func(l *ledger) error { return l.cash(n.Seq, n.Amount, 0, 0, n.Amount, n.CashAfter) }})
		}
	}
	slices.SortFunc(es, func(a, b ledgerEntry) int { return cmp.Compare(a.seq, b.seq) })
	for _, e := range es {
		if e.seq <= l.lastSeq {
			return fmt.Errorf("record %d: sequence not increasing (after %d)", e.seq, l.lastSeq)
		}
		l.lastSeq = e.seq
		if err := e.apply(l); err != nil {
			return err
		}
	}
	return l.positions(id, b)
}

func (l *ledger) reset(r AccountReset) error {
	if r.Capital <= 0 {
		return fmt.Errorf("record %d: reset capital %s is not positive", r.Seq, r.Capital)
	}
	l.LedgerTotals = LedgerTotals{Capital: r.Capital, Cash: r.Capital, Positions: map[Symbol]Fixed{}}
	return nil
}

func (l *ledger) fill(f Fill) error {
	if f.Quantity <= 0 || f.Price <= 0 {
		return fmt.Errorf("record %d: fill quantity %s at price %s", f.Seq, f.Quantity, f.Price)
	}
	signed := f.Quantity
	if f.Side == Short {
		signed = -signed
	}
	l.Positions[f.Symbol] += signed
	l.RealizedPnL += f.RealizedPnL
	return l.cash(f.Seq, f.RealizedPnL-f.Fee, f.Fee, 0, 0, f.CashAfter)
}

// cash applies one cash movement and checks the record and the identity.
func (l *ledger) cash(seq uint64, delta, fee, funding, insurance, after Fixed) error {
	l.Cash += delta
	l.Fees += fee
	l.Funding += funding
	l.Insurance += insurance
	if l.Cash != after {
		return fmt.Errorf("record %d: cash after is %s, recomputed %s", seq, after, l.Cash)
	}
	if want := l.Capital + l.RealizedPnL - l.Fees + l.Funding + l.Insurance; l.Cash != want {
		return fmt.Errorf("record %d: cash %s ≠ capital + realized − fees + funding + insurance = %s", seq, l.Cash, want)
	}
	return nil
}

// positions checks the last position record per symbol against the net
// quantity of the fills so far.
func (l *ledger) positions(id string, b *Batch) error {
	last := map[Symbol]Position{}
	for _, p := range b.Positions {
		if p.AccountID != id {
			continue
		}
		if p.Quantity < 0 || p.ClosedQuantity < 0 || p.Margin < 0 {
			return fmt.Errorf("position %s: negative quantity or margin", p.ID)
		}
		if prev, ok := last[p.Symbol]; !ok || p.Seq > prev.Seq {
			last[p.Symbol] = p
		}
	}
	for sym, p := range last {
		want := Fixed(0)
		if p.Status == PositionOpen {
			want = p.Signed()
		} else if p.Quantity != 0 {
			return fmt.Errorf("position %s: closed with quantity %s", p.ID, p.Quantity)
		}
		if got := l.Positions[sym]; got != want {
			return fmt.Errorf("position %s %s: record says %s, fills add up to %s", p.ID, sym, want, got)
		}
	}
	return nil
}
