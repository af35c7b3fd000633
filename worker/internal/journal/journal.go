// Package journal records the live exchange's inputs so that its results
// can be replayed and checked offline, by anyone, without the database,
// the feed or the models.
//
// The exchange is a pure function of the state it was restored from and
// the inputs it applied, in order (see exchange.Input). A journal is one
// worker run of the live simulator: a header (the season id, the code
// version, the exchange's configuration and the state restored from
// PostgreSQL at start), then every input as applied, each batch of records
// it produced as a SHA-256 digest, and a mark at every season period's
// boundary and at shutdown carrying the hash of the exchange's state and of
// every batch so far. Verify replays the inputs onto a new exchange from
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
	Started  time.Time           `json:"started"`            // wall clock of the worker's start
	Code     string              `json:"code"`               // VCS revision of the binary, when known
	Exchange exchange.Config     `json:"exchange"`           // without its sink and journal
	Settings map[string]string   `json:"settings,omitempty"` // the worker's SIM_*, TRADE_* and SEASON_* values
	Start    arena.ExchangeState `json:"start"`              // as restored from PostgreSQL
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
func chain(prev [32]byte, d string) [32]byte {
	h := sha256.New()
	h.Write(prev[:])
	h.Write([]byte(d))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// mark builds the mark of st.
func mark(period string, st arena.ExchangeState, inputs, batches int64, ch [32]byte) Mark {
	raw, err := json.Marshal(st)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(raw)
	m := Mark{Period: period, Time: st.Time, Inputs: inputs, Batches: batches,
		Chain: hex.EncodeToString(ch[:]), State: hex.EncodeToString(sum[:])}
	for _, a := range st.Accounts {
		m.Accounts = append(m.Accounts, AccountResult{AccountID: a.AccountID, Cash: a.Cash, RealizedPnL: a.RealizedPnL,
			Fees: a.Fees, Funding: a.Funding, Positions: len(a.Positions)})
	}
	return m
}
