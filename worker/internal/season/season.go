package season

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"testing/fstest"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
	"github.com/autonome-go/autonome/worker/internal/marketdata/tape"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// Season is everything a season runs from: its configuration, the tape
// file, the roster file and the prompt templates of entrants that have
// their own. It is what a bundle holds besides the model calls.
type Season struct {
	Config  Config
	Tape    []byte
	Roster  []byte            // YAML or JSON, as ROSTER_FILE
	Prompts map[string][]byte // bundle path (prompts/<n>/…) → template
}

// Plan describes a new season.
type Plan struct {
	ID       string
	Tape     []byte        // a tape file (tape.Load's format)
	Roster   []byte        // nil: the built-in default line-up
	Start    time.Time     // zero: the first slot after the tape's first message
	Duration time.Duration // zero: to the tape's end
	Interval time.Duration // default 5 min
	Exchange *ExchangeConfig
	// BaselineSeed seeds the random baseline; SyntheticSeed and FeedTick
	// are recorded when the tape was generated.
	BaselineSeed  uint64
	SyntheticSeed *uint64
	FeedTick      time.Duration
}

// New prepares a season from p.
func New(p Plan) (*Season, error) {
	t, err := loadTape(p.Tape)
	if err != nil {
		return nil, err
	}
	if !tape.IsBinary(p.Tape) { // bundles hold the binary form: compact, fast to read
		if p.Tape, err = t.EncodeBinary(); err != nil {
			return nil, fmt.Errorf("season: %w", err)
		}
		if t, err = loadTape(p.Tape); err != nil { // run on exactly what a replay reads
			return nil, err
		}
	}
	if len(t.Messages) == 0 {
		return nil, fmt.Errorf("season: the tape has no messages")
	}
	if p.Roster == nil {
		p.Roster = llm.DefaultRosterFile
	}
	r, err := llm.ParseRoster(p.Roster, "season roster")
	if err != nil {
		return nil, err
	}
	if p.Interval <= 0 {
		p.Interval = 5 * time.Minute
	}
	first, last := t.Messages[0].Time(), t.Messages[len(t.Messages)-1].Time()
	start := p.Start
	if start.IsZero() {
		start = first.Truncate(p.Interval).Add(p.Interval)
	}
	end := last
	if p.Duration > 0 && start.Add(p.Duration).Before(last) {
		end = start.Add(p.Duration)
	}
	ex := DefaultExchange(t.Header.Markets)
	if p.Exchange != nil {
		ex = *p.Exchange
	}
	if ex.Markets == nil {
		ex.Markets = t.Header.Markets
	}
	if ex.Markets == nil {
		ex.Markets = arena.DefaultMarkets()
	}
	if p.ID == "" {
		p.ID = "season-" + start.UTC().Format("20060102T1504")
	}
	cfg := Config{ID: p.ID, Start: start.UTC(), End: end.UTC(), Interval: Duration(p.Interval), Exchange: ex, BaselineSeed: p.BaselineSeed,
		Market: MarketSource{Source: t.Header.Source, SyntheticSeed: p.SyntheticSeed, FeedTick: Duration(p.FeedTick),
			Messages: len(t.Messages), First: first.UTC(), Last: last.UTC()},
		Code: CodeVersion()}
	for _, e := range r.Entries {
		cfg.Entrants = append(cfg.Entrants, Entrant{ID: EntrantID(e), Entry: e})
	}
	if cfg.Prompts, err = promptInfo(prompt.DefaultFS()); err != nil {
		return nil, err
	}
	s := &Season{Config: cfg, Tape: p.Tape, Roster: p.Roster}
	return s, cfg.Validate()
}

// loadTape reads a binary or a text tape.
func loadTape(b []byte) (*tape.Tape, error) {
	var t *tape.Tape
	var err error
	if tape.IsBinary(b) {
		t, err = tape.DecodeBinary(b)
	} else {
		t, err = tape.Load(bytes.NewReader(b))
	}
	if err != nil {
		return nil, fmt.Errorf("season: tape: %w", err)
	}
	return t, nil
}

// SyntheticTape records the synthetic feed (seeded, from start, one message
// batch per tick) for d into a binary tape, with its history.
func SyntheticTape(ctx context.Context, seed uint64, start time.Time, tick, d time.Duration) ([]byte, error) {
	if tick <= 0 {
		tick = 500 * time.Millisecond
	}
	f, err := synthetic.New(synthetic.Config{Seed: seed, Interval: tick, Start: start, Fast: true, Ticks: int(d/tick) + 1})
	if err != nil {
		return nil, err
	}
	markets, err := f.Markets(ctx)
	if err != nil {
		return nil, err
	}
	t, err := tape.Capture(ctx, f, tape.Options{Source: "synthetic", Markets: markets, History: f})
	if err != nil {
		return nil, fmt.Errorf("season: record the synthetic feed: %w", err)
	}
	return t.EncodeBinary()
}

// RunOptions are how a season is run: the network and keys of the entrants
// that call models, and the recording of those that replay.
type RunOptions struct {
	Getenv    func(string) string
	Transport http.RoundTripper
	Parallel  int
	// Recorded and Replay: see Options. Live lists the entrants a replay
	// runs against the network.
	Recorded map[string][]Call
	Replay   bool
	Live     map[string]bool
}

// Run runs the season.
func (s *Season) Run(ctx context.Context, ro RunOptions) (*Result, error) {
	t, err := loadTape(s.Tape)
	if err != nil {
		return nil, err
	}
	r, err := llm.ParseRoster(s.Roster, "season roster")
	if err != nil {
		return nil, err
	}
	o := Options{Config: s.Config, Tape: t, Roster: r, Getenv: ro.Getenv, Transport: ro.Transport, Parallel: ro.Parallel,
		Recorded: ro.Recorded, Replay: ro.Replay, Live: ro.Live, EntrantPrompts: map[string]*prompt.Set{}}
	for _, e := range s.Config.Entrants {
		if e.Prompts == "" {
			continue
		}
		p, err := prompt.Load(s.promptFS(e.Prompts))
		if err != nil {
			return nil, fmt.Errorf("season: entrant %s prompts: %w", e.ID, err)
		}
		o.EntrantPrompts[e.ID] = p
	}
	return Run(ctx, o)
}

func (s *Season) promptFS(dir string) fs.FS {
	m := fstest.MapFS{}
	for name, b := range s.Prompts {
		if rest, ok := strings.CutPrefix(name, dir+"/"); ok {
			m[rest] = &fstest.MapFile{Data: b}
		}
	}
	return m
}

// Files returns the bundle files of the season and its result.
func (s *Season) Files(res *Result) (map[string][]byte, error) {
	cfg, err := json.MarshalIndent(s.Config, "", "  ")
	if err != nil {
		return nil, err
	}
	result, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, err
	}
	calls, err := jsonLines(res.Calls)
	if err != nil {
		return nil, err
	}
	invs, err := jsonLines(res.Invocations)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{ConfigFile: append(cfg, '\n'), TapeFile: s.Tape, RosterFile: s.Roster, CallsFile: calls,
		InvocationsFile: invs, CommandsFile: {}, ResultFile: append(result, '\n')}
	for name, b := range s.Prompts {
		files[name] = b
	}
	return files, nil
}

// Manifest returns the season's manifest for res (Write fills in Files).
func (s *Season) Manifest(res *Result) Manifest {
	c := s.Config
	return Manifest{ID: c.ID, Parent: c.Parent, Start: c.Start, End: c.End, Entrants: len(c.Entrants), Code: c.Code, ResultHash: res.Hash}
}

func jsonLines[T any](items []T) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range items {
		if err := enc.Encode(&items[i]); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// FromBundle rebuilds the season of a checked bundle and its recorded
// model calls by entrant.
func FromBundle(b *Bundle) (*Season, map[string][]Call, error) {
	s := &Season{Tape: b.Files[TapeFile], Roster: b.Files[RosterFile], Prompts: map[string][]byte{}}
	if err := json.Unmarshal(b.Files[ConfigFile], &s.Config); err != nil {
		return nil, nil, fmt.Errorf("bundle: bad %s: %w", ConfigFile, err)
	}
	for name, data := range b.Files {
		if strings.HasPrefix(name, "prompts/") {
			s.Prompts[name] = data
		}
	}
	calls := map[string][]Call{}
	dec := json.NewDecoder(bytes.NewReader(b.Files[CallsFile]))
	for dec.More() {
		var c Call
		if err := dec.Decode(&c); err != nil {
			return nil, nil, fmt.Errorf("bundle: bad %s: %w", CallsFile, err)
		}
		calls[c.Entrant] = append(calls[c.Entrant], c)
	}
	return s, calls, nil
}

// promptInfo hashes every template of fsys.
func promptInfo(fsys fs.FS) (PromptInfo, error) {
	info := PromptInfo{Files: map[string]string{}}
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return info, fmt.Errorf("season: hash prompts: %w", err)
	}
	slices.Sort(names)
	all := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return info, err
		}
		sum := sha256.Sum256(b)
		info.Files[n] = hex.EncodeToString(sum[:])
		fmt.Fprintf(all, "%s %s\n", info.Files[n], path.Clean(n))
	}
	info.SHA256 = hex.EncodeToString(all.Sum(nil))
	return info, nil
}
