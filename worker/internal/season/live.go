package season

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/journal"
)

// LiveKind is the Manifest.Kind of a live period's bundle: one period of
// the live worker's season (SEASON_PERIOD), exported from SEASON_DIR by
// ExportLive. It holds the period's journal segments as recorded
// (journal/…journal.zst), the model calls made in the period (calls.jsonl),
// season.json (the configuration and roster, from the journals' headers)
// and result.json (a LiveResult). Verifying it replays the journals; its
// result hash is the SHA-256 of result.json as the replay rebuilds it.
const LiveKind = "live"

// liveJournalDir holds a live bundle's journal segments.
const liveJournalDir = "journal/"

// LiveDecisionsFile is a live bundle's decisions: the agents' turns of the
// period as they recorded them in PostgreSQL (JSON lines of LiveDecision,
// oldest first), for the Seasons page. They are recorded data, like the
// model calls: the checksum covers them, the replay does not re-derive
// them.
const LiveDecisionsFile = "decisions.jsonl"

// LiveDecision is one agent turn of a live period.
type LiveDecision struct {
	Entrant      string       `json:"entrant"`    // the account (model) id
	Invocation   string       `json:"invocation"` // the turn's id: its model calls in calls.jsonl carry it
	At           time.Time    `json:"at"`
	Response     string       `json:"response"`
	Failure      string       `json:"failure,omitempty"` // the failure reason of a turn that failed
	ToolCalls    []LiveAction `json:"toolCalls"`
	InputTokens  int64        `json:"inputTokens"`
	OutputTokens int64        `json:"outputTokens"`
	CostUSD      arena.Fixed  `json:"costUsd"`
	LatencyMS    int64        `json:"latencyMs"`
}

// LiveAction is a tool call of a live turn: its type and its stored
// metadata (bounded).
type LiveAction struct {
	Type     string `json:"type"`
	Metadata string `json:"metadata"`
	Failed   bool   `json:"failed,omitempty"`
}

// LiveOptions are where a live period's export finds what the journals do
// not hold.
type LiveOptions struct {
	// Decisions, when set, returns the agents' turns in [start, end).
	Decisions func(start, end time.Time) ([]LiveDecision, error)
}

// LiveResult is what replaying a live period's journals gives: result.json
// of a live bundle.
type LiveResult struct {
	Season string    `json:"season"`
	Period string    `json:"period"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	// Complete says the period's journal reaches the period's end (its
	// last segment closes with the period's mark): otherwise the worker
	// stopped (or was killed) before it and did not run again in it, or the
	// period is not over.
	Complete bool          `json:"complete"`
	Segments []LiveSegment `json:"segments"`
	// Leaderboard ranks the accounts by equity at the period's end, with
	// the period's return (from each account's equity at its start).
	Leaderboard []Row `json:"leaderboard"`
	// Equity is each account's equity every 5 minutes of the period (the
	// first at its start) and at its closing mark.
	Equity []EquitySeries `json:"equity"`
	// Trades are the trades each account closed in the period.
	Trades []EntrantTrades `json:"trades"`
}

// LiveSegment is one journal file of the period and how it joins the one
// before it.
type LiveSegment struct {
	File    string    `json:"file"`
	Code    string    `json:"code"`
	Started time.Time `json:"started"` // the exchange's clock at the segment's start
	Inputs  int64     `json:"inputs"`
	Batches int64     `json:"batches"`
	// Joins says how the segment starts: "first" (the period's first),
	// "cut" (from the previous segment's closing state exactly: a period
	// boundary), "restart" (a worker restart: from the database, whose
	// ledgers equal the previous segment's closing ones) or "gap" (a
	// restart whose ledgers differ: something the journal did not see, a
	// worker killed before its journal's last flush, happened between).
	Joins     string        `json:"joins"`
	Truncated bool          `json:"truncated,omitempty"` // the file stops mid-stream (a killed worker)
	Close     *journal.Mark `json:"close,omitempty"`     // the segment's last mark
}

// equityEvery is the spacing of a live period's equity samples.
const equityEvery = 5 * time.Minute

// ReplayLive replays a period's journal segments (in order) and builds its
// result. A segment that does not replay exactly is an error naming it.
func ReplayLive(segments []NamedFile) (*LiveResult, error) {
	if len(segments) == 0 {
		return nil, errors.New("live season: no journal")
	}
	res := &LiveResult{}
	var last *journal.Report
	fills := map[string]int{}
	trades := map[string][]arena.Position{}
	series := map[string]*EquitySeries{}
	var order []string
	var next time.Time
	sample := func(ex *exchange.Exchange, at time.Time) {
		for _, a := range ex.Snapshots() {
			s, ok := series[a.AccountID]
			if !ok {
				s = &EquitySeries{Entrant: a.AccountID}
				series[a.AccountID] = s
				order = append(order, a.AccountID)
			}
			s.Points = append(s.Points, EquityPoint{At: at, Equity: a.Equity})
		}
	}
	obs := journal.Observer{
		Before: func(ex *exchange.Exchange, in *exchange.Input) {
			for !next.IsZero() && !in.Time.Before(next) {
				sample(ex, next)
				next = next.Add(equityEvery)
			}
		},
		Batch: func(b *arena.Batch) {
			for _, f := range b.Fills {
				fills[f.AccountID]++
			}
			for _, p := range b.Positions {
				if p.ClosedTrade() {
					trades[p.AccountID] = append(trades[p.AccountID], p)
				}
			}
		},
	}
	for i, f := range segments {
		if i == 0 {
			h, err := readHeader(f.Data)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
			if h.Length <= 0 {
				return nil, fmt.Errorf("%s: the journal names no season period", f.Name)
			}
			res.Season, res.Period = h.Season, h.Period
			if res.Start, err = time.Parse(time.RFC3339, h.Period); err != nil {
				return nil, fmt.Errorf("%s: period %q: %w", f.Name, h.Period, err)
			}
			res.End = res.Start.Add(h.Length)
			next = res.Start
		}
		rep, err := journal.VerifyWith(bytes.NewReader(f.Data), obs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		h := rep.Header
		if h.Season != res.Season || h.Period != res.Period {
			return nil, fmt.Errorf("%s: season %s period %s, not %s %s", f.Name, h.Season, h.Period, res.Season, res.Period)
		}
		seg := LiveSegment{File: f.Name, Code: h.Code, Started: h.Start.Time, Inputs: rep.Inputs, Batches: rep.Batches,
			Truncated: rep.Truncated, Joins: "first"}
		if n := len(rep.Marks); n > 0 {
			seg.Close = &rep.Marks[n-1]
		}
		if i > 0 {
			seg.Joins = joins(res.Segments[i-1].Close, h.Start)
		}
		res.Segments = append(res.Segments, seg)
		last = rep
	}
	if c := res.Segments[len(res.Segments)-1].Close; c != nil && c.Period == res.Period {
		res.Complete = true
	}
	final := last.Final
	if c := res.Segments[len(res.Segments)-1].Close; c != nil { // the state the period closes with
		for _, a := range final {
			if s := series[a.AccountID]; s != nil && (len(s.Points) == 0 || s.Points[len(s.Points)-1].At.Before(c.Time)) {
				s.Points = append(s.Points, EquityPoint{At: c.Time, Equity: a.Equity})
			}
		}
	}
	opening := map[string]arena.Fixed{}
	for id, s := range series {
		if len(s.Points) > 0 {
			opening[id] = s.Points[0].Equity
		}
	}
	res.Leaderboard = liveLeaderboard(last.Header.Entrants, final, fills, opening)
	for _, id := range order {
		res.Equity = append(res.Equity, *series[id])
		res.Trades = append(res.Trades, EntrantTrades{Entrant: id, Trades: trades[id]})
	}
	return res, nil
}

// joins says how a segment starting from start follows one that closed
// with prev (see LiveSegment.Joins).
func joins(prev *journal.Mark, start arena.ExchangeState) string {
	switch {
	case prev == nil:
		return "gap"
	case journal.StateHash(start) == prev.State:
		return "cut"
	case slices.Equal(journal.Ledgers(start), prev.Accounts):
		return "restart"
	}
	return "gap"
}

// liveLeaderboard ranks a period's accounts by equity at its end; the
// return is the period's: from the equity at its start (the first sample),
// or from the starting capital for an account opened during the period.
func liveLeaderboard(entrants []journal.Entrant, final []arena.AccountSnapshot, fills map[string]int, opening map[string]arena.Fixed) []Row {
	who := map[string]journal.Entrant{}
	for _, e := range entrants {
		who[e.AccountID] = e
	}
	rows := make([]Row, 0, len(final))
	for _, a := range final {
		e := who[a.AccountID]
		r := Row{Entrant: a.AccountID, Name: cmp.Or(e.Name, a.AccountID), Variant: e.Variant, Kind: e.Kind, Model: e.Model,
			Equity: a.Equity, RealizedPnL: a.RealizedPnL, Fees: a.Fees, Funding: a.Funding, Fills: fills[a.AccountID]}
		from, ok := opening[a.AccountID]
		if !ok || from <= 0 {
			from = a.Capital
		}
		if from > 0 {
			r.ReturnPct = (a.Equity - from).MulInt(100).Div(from)
		}
		rows = append(rows, r)
	}
	return ranked(rows)
}

// NamedFile is a file's name and bytes.
type NamedFile struct {
	Name string
	Data []byte
}

// readHeader reads a journal's first line.
func readHeader(data []byte) (journal.Header, error) {
	zr, err := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return journal.Header{}, err
	}
	defer zr.Close()
	br := bufio.NewReaderSize(zr, 1<<16)
	line, err := br.ReadBytes('\n')
	if err != nil && len(line) == 0 {
		return journal.Header{}, fmt.Errorf("no header: %w", err)
	}
	var l journal.Line
	if err := json.Unmarshal(line, &l); err != nil || l.Header == nil {
		return journal.Header{}, fmt.Errorf("the first line is not a journal header")
	}
	return *l.Header, nil
}

// LiveHash is a live result's hash: the SHA-256 of its JSON.
func LiveHash(res *LiveResult) (string, []byte, error) {
	raw, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return "", nil, err
	}
	raw = append(raw, '\n')
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), raw, nil
}

// ExportLive builds the bundle of one period of the live season recorded
// in dir (SEASON_DIR): every journal segment of season id whose header
// names the period, in file-name (time) order, and the model calls made in
// the period. It replays the journals first, so a bundle that does not
// verify is never written.
func ExportLive(dir, id, period string, o LiveOptions) (Manifest, map[string][]byte, *LiveResult, error) {
	var m Manifest
	names, err := filepath.Glob(filepath.Join(dir, id+"-*.journal.zst"))
	if err != nil {
		return m, nil, nil, err
	}
	slices.Sort(names)
	var segs []NamedFile
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return m, nil, nil, err
		}
		h, err := readHeader(data)
		if err != nil || h.Season != id || h.Period != period {
			continue // another season or period, or a file cut before its header
		}
		segs = append(segs, NamedFile{Name: liveJournalDir + filepath.Base(n), Data: data})
	}
	if len(segs) == 0 {
		return m, nil, nil, fmt.Errorf("live season %s: no journal of period %s in %s", id, period, dir)
	}
	res, err := ReplayLive(segs)
	if err != nil {
		return m, nil, nil, err
	}
	hash, result, err := LiveHash(res)
	if err != nil {
		return m, nil, nil, err
	}
	calls, err := liveCalls(dir, id, res.Start, res.End)
	if err != nil {
		return m, nil, nil, err
	}
	h, _ := readHeader(segs[len(segs)-1].Data)
	cfg := liveConfig(h, res)
	season, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return m, nil, nil, err
	}
	files := map[string][]byte{ConfigFile: append(season, '\n'), ResultFile: result, CallsFile: calls}
	if o.Decisions != nil {
		ds, err := o.Decisions(res.Start, res.End)
		if err != nil {
			return m, nil, nil, fmt.Errorf("live season: the period's decisions: %w", err)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		for i := range ds {
			if err := enc.Encode(&ds[i]); err != nil {
				return m, nil, nil, err
			}
		}
		files[LiveDecisionsFile] = b.Bytes()
	}
	for _, s := range segs {
		files[s.Name] = s.Data
	}
	m = Manifest{Kind: LiveKind, ID: cfg.ID, Start: res.Start, End: res.End, Entrants: len(res.Leaderboard),
		Code: cfg.Code, ResultHash: hash}
	return m, files, res, nil
}

// LiveID is the id of the live season's period starting at start (its
// bundle is LiveID.tar.zst).
func LiveID(season string, start time.Time) string {
	return season + "-" + start.UTC().Format("20060102T150405Z")
}

// LivePeriods lists the periods of season id recorded in dir, oldest first.
func LivePeriods(dir, id string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, id+"-*.journal.zst"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		if h, err := readHeader(data); err == nil && h.Season == id && h.Period != "" {
			out = append(out, h.Period)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// liveConfig is season.json of a live bundle: the configuration of the
// period's last segment.
func liveConfig(h journal.Header, res *LiveResult) Config {
	x := h.Exchange
	c := Config{ID: LiveID(res.Season, res.Start), Start: res.Start, End: res.End,
		Market: MarketSource{Source: cmp.Or(h.Settings["FEED"], "live")},
		Exchange: ExchangeConfig{Markets: x.Markets, StartingCapital: x.StartingCapital, TakerLatency: Duration(x.TakerLatency),
			MakerLatency: Duration(x.MakerLatency), SlippageBps: x.SlippageBps, Seed: x.Seed, StaleAfter: Duration(x.StaleAfter)},
		Code: Code{Revision: strings.TrimSuffix(h.Code, "+dirty"), Modified: strings.HasSuffix(h.Code, "+dirty")},
	}
	if d, err := time.ParseDuration(h.Settings["TRADE_INTERVAL"]); err == nil {
		c.Interval = Duration(d)
	}
	if d, err := time.ParseDuration(h.Settings["FEED_TICK"]); err == nil {
		c.Market.FeedTick = Duration(d)
	}
	if n := len(res.Segments); n > 0 {
		c.Market.First = res.Segments[0].Started
		if cl := res.Segments[n-1].Close; cl != nil {
			c.Market.Last = cl.Time
		}
	}
	for _, e := range h.Entrants {
		c.Entrants = append(c.Entrants, Entrant{ID: e.AccountID, Entry: arena.RosterEntry{Name: e.Name, ProviderModel: e.Model,
			Provider: e.Provider, Kind: e.Kind, Variant: e.Variant}})
	}
	return c
}

// liveCalls gathers the model calls of season id started in [start, end)
// from the worker runs' recordings in dir, as JSON lines in recording
// order (a recording cut by a killed worker gives what it holds).
func liveCalls(dir, id string, start, end time.Time) ([]byte, error) {
	names, err := filepath.Glob(filepath.Join(dir, id+"-*.calls.jsonl.zst"))
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var out bytes.Buffer
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return nil, err
		}
		zr, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1))
		if err != nil {
			f.Close()
			return nil, err
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 0, 1<<20), 256<<20)
		for sc.Scan() {
			var c struct {
				Slot time.Time `json:"slot"`
			}
			if json.Unmarshal(sc.Bytes(), &c) != nil {
				break // the last line, cut by a killed worker
			}
			if !c.Slot.Before(start) && c.Slot.Before(end) {
				out.Write(sc.Bytes())
				out.WriteByte('\n')
			}
		}
		err = sc.Err()
		zr.Close()
		f.Close()
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%s: %w", filepath.Base(n), err)
		}
	}
	return out.Bytes(), nil
}

// VerifyLive replays a live bundle's journals and checks that they give
// the manifest's result hash; on a difference it says what differs.
func VerifyLive(b *Bundle) (*LiveResult, error) {
	var segs []NamedFile
	for _, f := range b.Manifest.Files {
		if strings.HasPrefix(f.Name, liveJournalDir) {
			segs = append(segs, NamedFile{Name: f.Name, Data: b.Files[f.Name]})
		}
	}
	res, err := ReplayLive(segs)
	if err != nil {
		return nil, err
	}
	hash, raw, err := LiveHash(res)
	if err != nil {
		return nil, err
	}
	if hash != b.Manifest.ResultHash {
		return res, fmt.Errorf("the replay's result hash %s is not the manifest's %s\n--- recorded %s\n%s\n--- replayed\n%s",
			hash, b.Manifest.ResultHash, ResultFile, excerpt(b.Files[ResultFile]), excerpt(raw))
	}
	return res, nil
}

func excerpt(b []byte) string {
	s, _ := arena.Excerpt(string(b), 4096)
	return s
}
