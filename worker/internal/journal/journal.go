// Package journal records the live exchange's inputs so that its results
// can be replayed and checked offline, by anyone, without the database,
// the feed or the models.
//
// The exchange is a pure function of the state it was restored from and
// the inputs it applied, in order (see exchange.Input). A journal is one
// segment of the live simulator's run: a header (the season id and period,
// the code version, the exchange's configuration, the roster and the state
// it starts from), then every input as applied, each batch of records it
// produced as a SHA-256 digest, and a closing mark carrying the hash of the
// exchange's state and of every batch so far. A segment starts when the
// worker starts (from the state restored from PostgreSQL) or at a season
// period's boundary (from the exchange's whole state at that instant, books
// included, which is also the previous segment's closing mark: see
// Writer.Rotate), so each period's journal replays on its own and the
// segments of a season chain. Verify replays the inputs onto a new exchange from
// the header alone and checks every digest and every mark: a changed byte
// anywhere (a book level, an order's size, a digest) is reported with where
// it is. The file is a zstd stream of JSON lines, flushed every second, so
// a worker killed mid-run leaves a journal that verifies up to its last
// flush.
package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/exchange"
)

// Line is one line of a journal: exactly one field is set.
type Line struct {
	Header *Header         `json:"header,omitempty"`
	In     *exchange.Input `json:"in,omitempty"`
	Out    string          `json:"out,omitempty"` // SHA-256 of the batch's JSON
	Mark   *Mark           `json:"mark,omitempty"`
}

// Header opens a journal.
type Header struct {
	Season   string              `json:"season"`
	Period   string              `json:"period,omitempty"`   // the season period the segment belongs to (its start, RFC 3339)
	Length   time.Duration       `json:"lengthNs,omitempty"` // SEASON_PERIOD
	Entrants []Entrant           `json:"entrants,omitempty"` // the roster: who each account is
	Started  time.Time           `json:"started"`            // wall clock of the worker's start
	Code     string              `json:"code"`               // VCS revision of the binary, when known
	Exchange exchange.Config     `json:"exchange"`           // without its sink and journal
	Settings map[string]string   `json:"settings,omitempty"` // the worker's SIM_*, TRADE_* and SEASON_* values
	Start    arena.ExchangeState `json:"start"`              // as restored from PostgreSQL
}

// Entrant is the seat behind an account.
type Entrant struct {
	AccountID string          `json:"accountId"`
	Name      string          `json:"name"`
	Variant   arena.Variant   `json:"variant,omitempty"`
	Kind      arena.ModelKind `json:"kind,omitempty"`
	Provider  arena.Provider  `json:"provider,omitempty"`
	Model     string          `json:"model,omitempty"` // the provider's model id as called
}

// PeriodOf is the label of the period of length containing t: its start,
// UTC, RFC 3339.
func PeriodOf(t time.Time, length time.Duration) string {
	return t.UTC().Truncate(length).Format(time.RFC3339)
}

// StateHash is the SHA-256 of st's JSON, as marks carry it.
func StateHash(st arena.ExchangeState) string {
	raw, err := json.Marshal(st)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// Mark closes a season period (or the run, Period "end"): the hash of the
// exchange's state at that point and the chained hash of every batch
// digest so far, with the accounts' ledgers for reading.
type Mark struct {
	Period   string          `json:"period"`
	Time     time.Time       `json:"time"` // the exchange's clock
	Inputs   int64           `json:"inputs"`
	Batches  int64           `json:"batches"`
	Chain    string          `json:"chain"` // SHA-256 over every batch digest, in order
	Input    string          `json:"input"` // SHA-256 over every input line, in order: the result commits to every input byte
	State    string          `json:"state"` // SHA-256 of the state's JSON
	Accounts []AccountResult `json:"accounts"`
}

// AccountResult is an account's ledger at a mark.
type AccountResult struct {
	AccountID   string      `json:"accountId"`
	Cash        arena.Fixed `json:"cash"`
	RealizedPnL arena.Fixed `json:"realizedPnl"`
	Fees        arena.Fixed `json:"fees"`
	Funding     arena.Fixed `json:"funding"`
	Positions   int         `json:"positions"`
}

// digest is a batch's SHA-256, hex.
func digest(b *arena.Batch) string {
	raw, err := json.Marshal(b)
	if err != nil { // a batch is plain data: cannot happen
		panic(err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// chain folds d into the running hash.
func chain[T string | []byte](prev [32]byte, d T) [32]byte {
	h := sha256.New()
	h.Write(prev[:])
	h.Write([]byte(d))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// mark builds the mark of st.
func mark(period string, st arena.ExchangeState, inputs, batches int64, ch, in [32]byte) Mark {
	m := Mark{Period: period, Time: st.Time, Inputs: inputs, Batches: batches,
		Chain: hex.EncodeToString(ch[:]), Input: hex.EncodeToString(in[:]), State: StateHash(st)}
	m.Accounts = Ledgers(st)
	return m
}

// Ledgers are st's accounts' ledgers as a mark carries them.
func Ledgers(st arena.ExchangeState) []AccountResult {
	out := make([]AccountResult, 0, len(st.Accounts))
	for _, a := range st.Accounts {
		out = append(out, AccountResult{AccountID: a.AccountID, Cash: a.Cash, RealizedPnL: a.RealizedPnL,
			Fees: a.Fees, Funding: a.Funding, Positions: len(a.Positions)})
	}
	return out
}
