package exchange

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Exchange is the simulator. Create it with New; it is safe for concurrent
// use.
type Exchange struct {
	mu   sync.Mutex
	cfg  Config
	sink Sink

	markets  []*market
	bySymbol map[arena.Symbol]*market
	accounts []*account // creation order: the order of every account-wide loop
	byID     map[string]*account

	now         time.Time // monotonic exchange clock
	fundingHour int64     // the last whole hour settled (Unix hours)
	pcg         *rand.PCG
	rng         *rand.Rand

	pending   []pendingOp // due last
	timeExits []timeExit  // earliest last
	opSeq     uint64      // orders pending and resting, for time priority

	recordSeq    uint64
	batchSeq     uint64
	batch        arena.Batch
	stateChanged bool // the next flush publishes even a batch without records

	// Scratch reused by every operation so matching does not allocate.
	walked     []walkFill
	closing    sums // totals of the closing part of e.walked
	opening    sums // and of the opening part
	fired      []trigger
	dirty      []*account
	round      []*account // the dirty accounts settle is checking
	underwater []*account // liquidation started but positions remain
	gen        uint64     // bumped per risk pass; one liquidation per account per pass
	inline     liveOrder  // an order executing on submission (latency 0)
	auto       liveOrder  // an order the exchange places itself
}

// New validates cfg and returns an exchange with no accounts.
func New(cfg Config) (*Exchange, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Markets = append([]arena.Market(nil), cfg.Markets...)
	e := &Exchange{
		cfg:      cfg,
		sink:     cfg.Sink,
		bySymbol: make(map[arena.Symbol]*market, len(cfg.Markets)),
		byID:     map[string]*account{},
		walked:   make([]walkFill, 0, 128),
		fired:    make([]trigger, 0, 64),
	}
	e.pcg = rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)
	e.rng = rand.New(e.pcg)
	for i, spec := range cfg.Markets {
		m := newMarket(i, spec)
		e.markets = append(e.markets, m)
		e.bySymbol[spec.Symbol] = m
	}
	return e, nil
}

// Markets returns the markets traded.
func (e *Exchange) Markets() []arena.Market {
	return append([]arena.Market(nil), e.cfg.Markets...)
}

// OpenAccount creates an account with the configured starting capital.
func (e *Exchange) OpenAccount(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cfg.Journal != nil {
		e.journal(&Input{Kind: InputOpen, AccountID: id})
	}
	if id == "" {
		return arena.Errorf(arena.CodeInvalid, "account id is empty")
	}
	if _, ok := e.byID[id]; ok {
		return arena.Errorf(arena.CodeConflict, "account %q already exists", id)
	}
	e.addAccount(id, e.cfg.StartingCapital)
	return nil
}

// Accounts lists the account ids in creation order.
func (e *Exchange) Accounts() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, len(e.accounts))
	for i, a := range e.accounts {
		out[i] = a.id
	}
	return out
}

// unlock publishes the pending batch and releases the lock: a command that
// fails still publishes what advancing the clock executed (a pending order
// that came due, funding) instead of leaving it to a later call.
func (e *Exchange) unlock() {
	e.flush()
	e.mu.Unlock()
}

// Advance moves the clock to now, executing what falls due on the way:
// delayed orders and cancels, hourly funding, time exits.
func (e *Exchange) Advance(now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cfg.Journal != nil {
		e.journal(&Input{Kind: InputAdvance, Time: now})
	}
	e.tick(now)
	e.flush()
}

func (e *Exchange) addAccount(id string, capital arena.Fixed) *account {
	a := newAccount(id, len(e.accounts), capital, len(e.markets), e.cfg.IdempotencyWindow)
	a.venue = slices.Contains(e.cfg.VenueAccounts, id)
	e.accounts = append(e.accounts, a)
	e.byID[id] = a
	return a
}

func (e *Exchange) account(id string) (*account, error) {
	a, ok := e.byID[id]
	if !ok {
		return nil, arena.Errorf(arena.CodeInvalid, "unknown account %q", id)
	}
	return a, nil
}

func (e *Exchange) market(sym arena.Symbol) (*market, error) {
	for _, m := range e.markets { // a handful: faster than hashing
		if m.spec.Symbol == sym {
			return m, nil
		}
	}
	return nil, arena.Errorf(arena.CodeInvalid, "unknown symbol %q", string(sym))
}

// staleReason says why m's book cannot be traded on now, or "".
func (e *Exchange) staleReason(m *market) string {
	if m.updated.IsZero() {
		return fmt.Sprintf("no market data for %s yet", m.spec.Symbol)
	}
	if e.cfg.StaleAfter > 0 && e.now.Sub(m.updated) > e.cfg.StaleAfter {
		return fmt.Sprintf("the %s book is stale: last update %s ago", m.spec.Symbol, e.now.Sub(m.updated).Round(time.Millisecond))
	}
	return ""
}

func (e *Exchange) fresh(m *market) bool {
	return !m.updated.IsZero() && (e.cfg.StaleAfter == 0 || e.now.Sub(m.updated) <= e.cfg.StaleAfter)
}
