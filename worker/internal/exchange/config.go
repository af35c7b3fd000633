package exchange

import (
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Config configures an Exchange. Start from DefaultConfig. Its JSON (without
// the sink and the journal) is what a season journal records.
type Config struct {
	// Markets traded, each with its tick, lot and minimum size, margin
	// fractions and fees (bps with at most 4 decimals, so rates are exact).
	Markets []arena.Market `json:"markets"`
	// StartingCapital is the cash (USDT) of a new or reset account.
	StartingCapital arena.Fixed `json:"startingCapital"`
	// TakerLatency delays market orders, IOC orders and GTC limit orders
	// that cross the book when submitted; MakerLatency delays post-only and
	// non-crossing GTC orders and cancels. An order submitted at t meets the
	// book as it stands at t + latency. Zero executes on submission.
	TakerLatency time.Duration `json:"takerLatencyNs"`
	MakerLatency time.Duration `json:"makerLatencyNs"`
	// SlippageBps is the most extra adverse slippage added to a taker fill
	// (drawn uniformly per fill from a generator seeded by Seed); 0 disables.
	SlippageBps arena.Fixed `json:"slippageBps"`
	Seed        uint64      `json:"seed"`
	// StaleAfter rejects orders on a market whose book has not been updated
	// for longer than this; 0 disables the check.
	StaleAfter time.Duration `json:"staleAfterNs"`
	// IdempotencyWindow is how many finished orders per account are
	// remembered so that a retried client order id is recognised.
	IdempotencyWindow int `json:"idempotencyWindow"`
	// Sink receives every batch of records; nil discards them.
	Sink Sink `json:"-"`
	// Journal, when set, receives every input (see Input and Apply).
	Journal Journal `json:"-"`
	// VenueAccounts mirror accounts on a real venue (live trading): the
	// exchange does not settle its simulated funding on them; the venue's
	// payments are booked with BookVenueFunding instead.
	VenueAccounts []string `json:"venueAccounts,omitempty"`
}

// Sink receives every batch of records, in order. Publish is called while
// the exchange's lock is held: it must not block or call back into the
// Exchange, and it must copy what it keeps (the batch is reused).
type Sink interface {
	Publish(b *arena.Batch)
}

// Defaults.
const (
	DefaultStartingCapital   = 10_000
	DefaultTakerLatency      = 200 * time.Millisecond // Lighter premium tier
	DefaultMakerLatency      = 0
	DefaultStaleAfter        = 5 * time.Second
	DefaultIdempotencyWindow = 1024
)

// DefaultConfig returns the arena's defaults: BTC, ETH and SOL with
// Lighter's contract parameters and premium-tier fees and latency, 10 000
// USDT per account, no extra slippage, a 5 s staleness bound.
func DefaultConfig() Config {
	return Config{
		Markets:           arena.DefaultMarkets(),
		StartingCapital:   arena.FixedInt(DefaultStartingCapital),
		TakerLatency:      DefaultTakerLatency,
		MakerLatency:      DefaultMakerLatency,
		Seed:              1,
		StaleAfter:        DefaultStaleAfter,
		IdempotencyWindow: DefaultIdempotencyWindow,
	}
}

// Validate reports the first problem with c.
func (c Config) Validate() error {
	if len(c.Markets) == 0 {
		return fmt.Errorf("exchange config: no markets")
	}
	seen := map[arena.Symbol]bool{}
	for _, m := range c.Markets {
		if err := m.Validate(); err != nil {
			return fmt.Errorf("exchange config: %w", err)
		}
		if seen[m.Symbol] {
			return fmt.Errorf("exchange config: market %s listed twice", m.Symbol)
		}
		seen[m.Symbol] = true
		for _, bps := range []arena.Fixed{m.MakerFeeBps, m.TakerFeeBps, m.LiquidationFeeBps} {
			if _, err := bpsRate(bps); err != nil {
				return fmt.Errorf("exchange config: market %s: %w", m.Symbol, err)
			}
		}
	}
	switch {
	case c.StartingCapital <= 0:
		return fmt.Errorf("exchange config: starting capital must be positive")
	case c.TakerLatency < 0 || c.MakerLatency < 0:
		return fmt.Errorf("exchange config: latencies must not be negative")
	case c.SlippageBps < 0 || c.SlippageBps > arena.FixedInt(1000):
		return fmt.Errorf("exchange config: slippage must be within [0, 1000] bps")
	case c.StaleAfter < 0:
		return fmt.Errorf("exchange config: stale-after must not be negative")
	case c.IdempotencyWindow < 1:
		return fmt.Errorf("exchange config: idempotency window must be at least 1")
	}
	return nil
}

// bpsRate converts basis points to an exact fraction (2.8 bps → 0.00028).
func bpsRate(bps arena.Fixed) (arena.Fixed, error) {
	if bps%10_000 != 0 {
		return 0, fmt.Errorf("%s bps has more than 4 decimals", bps)
	}
	return bps / 10_000, nil
}
