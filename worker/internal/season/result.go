package season

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Row is one entrant's line of a season's leaderboard.
type Row struct {
	Rank        int             `json:"rank"`
	Entrant     string          `json:"entrant"`
	Name        string          `json:"name"`
	Variant     arena.Variant   `json:"variant"`
	Kind        arena.ModelKind `json:"kind"`
	Model       string          `json:"model"` // provider model id as called
	Equity      arena.Fixed     `json:"equity"`
	ReturnPct   arena.Fixed     `json:"returnPct"`
	RealizedPnL arena.Fixed     `json:"realizedPnl"`
	Fees        arena.Fixed     `json:"fees"`
	Funding     arena.Fixed     `json:"funding"`
	Fills       int             `json:"fills"`
	entrantStats
}

// EntrantLedger is an entrant's final ledger: the SHA-256 of every record
// batch its exchange emitted, in order, and its exchange's final state.
type EntrantLedger struct {
	Entrant string              `json:"entrant"`
	Records string              `json:"records"`
	Final   arena.ExchangeState `json:"final"`
}

func leaderboard(es []*entrant) []Row {
	rows := make([]Row, 0, len(es))
	for _, e := range es {
		a, _ := e.ex.Snapshot(e.spec.ID)
		r := Row{Entrant: e.spec.ID, Name: e.spec.Entry.Name, Variant: e.spec.Entry.Variant, Kind: e.spec.Entry.Kind,
			Model: e.spec.Entry.ProviderModel, Equity: a.Equity, RealizedPnL: a.RealizedPnL, Fees: a.Fees, Funding: a.Funding,
			Fills: e.nFills, entrantStats: e.stats}
		if a.Capital > 0 {
			r.ReturnPct = (a.Equity - a.Capital).MulInt(100).Div(a.Capital)
		}
		rows = append(rows, r)
	}
	return ranked(rows)
}

// ranked orders rows by equity, highest first (ties by entrant id), and
// numbers them.
func ranked(rows []Row) []Row {
	slices.SortStableFunc(rows, func(a, b Row) int { return cmp.Or(cmp.Compare(b.Equity, a.Equity), cmp.Compare(a.Entrant, b.Entrant)) })
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows
}

// EntrantTrades are one entrant's closed trades.
type EntrantTrades struct {
	Entrant string           `json:"entrant"`
	Trades  []arena.Position `json:"trades"`
}

// EquitySeries is one entrant's equity curve.
type EquitySeries struct {
	Entrant string        `json:"entrant"`
	Points  []EquityPoint `json:"points"`
}

// EquityPoint is an entrant's equity at a time.
type EquityPoint struct {
	At     time.Time   `json:"at"`
	Equity arena.Fixed `json:"equity"`
}

func equitySeries(es []*entrant) []EquitySeries {
	out := make([]EquitySeries, len(es))
	for i, e := range es {
		out[i] = EquitySeries{Entrant: e.spec.ID, Points: make([]EquityPoint, len(e.samples))}
		for j, s := range e.samples {
			out[i].Points[j] = EquityPoint{At: s.at, Equity: s.equity}
		}
	}
	return out
}

func ledgers(es []*entrant) []EntrantLedger {
	out := make([]EntrantLedger, len(es))
	for i, e := range es {
		final := e.ex.Export()
		final.BatchSeq = 0 // counts state-only batches too, which an idle account skips: not part of the result
		out[i] = EntrantLedger{Entrant: e.spec.ID, Records: hex.EncodeToString(e.ledger.Sum(nil)), Final: final}
	}
	return out
}

// resultHash is the canonical hash of a season's outcome: SHA-256 of the
// JSON of its leaderboard and of every entrant's final ledger (records
// hash and exchange state), in roster order.
func resultHash(rows []Row, ls []EntrantLedger) (string, error) {
	raw, err := json.Marshal(struct {
		Leaderboard []Row           `json:"leaderboard"`
		Ledger      []EntrantLedger `json:"ledger"`
	}{rows, ls})
	if err != nil {
		return "", fmt.Errorf("season: encode result: %w", err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

// PrintLeaderboard writes rows as a table.
func PrintLeaderboard(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rank\tentrant\tequity\treturn %\trealized\tfees\tfunding\tfills\tdecisions\tfailed\tskipped\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t\n", r.Rank, r.Entrant, r.Equity.RoundTo(arena.FixedScale/100),
			r.ReturnPct.RoundTo(arena.FixedScale/1000), r.RealizedPnL.RoundTo(arena.FixedScale/100), r.Fees.RoundTo(arena.FixedScale/100),
			r.Funding.RoundTo(arena.FixedScale/100), r.Fills, r.Decisions, r.Failed, r.Skipped)
	}
	tw.Flush()
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
