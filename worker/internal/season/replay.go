package season

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// Swap re-runs one entrant live in a replay: with another model id
// (model:ID, same provider and settings), another prompt template set
// (prompt:DIR, laid out as worker/internal/prompt/templates) or a built-in
// baseline (baseline:NAME).
type Swap struct {
	Entrant string
	Kind    string // model, prompt or baseline
	Value   string
	Prompts fs.FS // prompt swaps: the templates (default os.DirFS(Value))
}

// ParseSwap parses ENTRANT=model:ID, ENTRANT=prompt:DIR or
// ENTRANT=baseline:NAME; a bare ENTRANT=ID is a model id.
func ParseSwap(s string) (Swap, error) {
	ent, what, ok := strings.Cut(s, "=")
	if !ok || ent == "" || what == "" {
		return Swap{}, fmt.Errorf("swap %q: want ENTRANT=model:ID, ENTRANT=prompt:DIR or ENTRANT=baseline:NAME", s)
	}
	kind, val, ok := strings.Cut(what, ":")
	if !ok || (kind != "model" && kind != "prompt" && kind != "baseline") {
		kind, val = "model", what
	}
	return Swap{Entrant: ent, Kind: kind, Value: val}, nil
}

func (w Swap) String() string { return w.Entrant + "=" + w.Kind + ":" + w.Value }

// Derive returns the A/B season of s with the swap applied: the same tape
// and roster, one entrant changed, its parent named. It also returns the
// entrant to run live.
func (s *Season) Derive(w Swap, parentHash, id string) (*Season, error) {
	i := slices.IndexFunc(s.Config.Entrants, func(e Entrant) bool { return e.ID == w.Entrant })
	if i < 0 {
		ids := make([]string, len(s.Config.Entrants))
		for j, e := range s.Config.Entrants {
			ids[j] = e.ID
		}
		return nil, fmt.Errorf("swap: no entrant %q; the entrants are %s", w.Entrant, strings.Join(ids, ", "))
	}
	d := *s
	d.Config.Entrants = slices.Clone(s.Config.Entrants)
	d.Prompts = map[string][]byte{}
	for k, v := range s.Prompts {
		d.Prompts[k] = v
	}
	e := &d.Config.Entrants[i]
	switch w.Kind {
	case "model":
		if e.Entry.Kind == arena.KindBaseline {
			return nil, fmt.Errorf("swap: %s is a baseline; swap it with baseline:NAME", e.ID)
		}
		e.Entry.ProviderModel = w.Value
	case "baseline":
		name := w.Value
		if !strings.HasPrefix(name, "baseline/") {
			name = "baseline/" + name
		}
		if _, err := llm.NewBaseline(name, 0); err != nil {
			return nil, fmt.Errorf("swap: %w", err)
		}
		e.Entry.Kind, e.Entry.Provider, e.Entry.ProviderModel = arena.KindBaseline, arena.ProviderBaseline, name
	case "prompt":
		fsys := w.Prompts
		if fsys == nil {
			fsys = os.DirFS(w.Value)
		}
		if _, err := prompt.Load(fsys); err != nil {
			return nil, fmt.Errorf("swap: %w", err)
		}
		e.Prompts = fmt.Sprintf("prompts/%d", i)
		err := fs.WalkDir(fsys, ".", func(p string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fsys, p)
			d.Prompts[e.Prompts+"/"+p] = b
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("swap: read prompts: %w", err)
		}
	default:
		return nil, fmt.Errorf("swap: unknown kind %q", w.Kind)
	}
	d.Config.Parent = &Parent{ID: s.Config.ID, ResultHash: parentHash, Swap: w.String()}
	if id == "" {
		id = s.Config.ID + "-ab-" + strings.NewReplacer("/", "_", ":", "_").Replace(w.Entrant)
	}
	d.Config.ID = id
	return &d, nil
}

// Mismatch is a replay whose result differs from the manifest's.
type Mismatch struct {
	Want, Got string
	Diffs     []string // leaderboard lines that differ
}

func (m *Mismatch) Error() string {
	s := fmt.Sprintf("result hash %s differs from the manifest's %s", m.Got, m.Want)
	for _, d := range m.Diffs {
		s += "\n  " + d
	}
	return s
}

// Verify replays a checked bundle with no network and compares its result
// with the manifest's. It returns the replayed result; the error says
// exactly what differs (a request, or the outcome).
func Verify(ctx context.Context, b *Bundle, parallel int) (*Result, error) {
	s, calls, err := FromBundle(b)
	if err != nil {
		return nil, err
	}
	res, err := s.Run(ctx, RunOptions{Recorded: calls, Replay: true, Parallel: parallel})
	if err == nil && res.Hash != b.Manifest.ResultHash {
		err = &Mismatch{Want: b.Manifest.ResultHash, Got: res.Hash, Diffs: leaderboardDiff(b, res)}
	}
	if err != nil {
		if note := codeNote(b.Manifest.Code, CodeVersion()); note != "" {
			err = fmt.Errorf("%w\n(%s)", err, note)
		}
		return res, err
	}
	return res, nil
}

// codeNote says when a bundle was recorded by other code than the one
// replaying it: the likeliest cause of a divergence.
func codeNote(rec, now Code) string {
	if rec.Revision == now.Revision && !rec.Modified && !now.Modified {
		return ""
	}
	name := func(c Code) string {
		s := c.Revision
		if s == "" {
			s = "an unknown revision"
		}
		if c.Modified {
			s += " with local changes"
		}
		return s
	}
	return fmt.Sprintf("recorded by %s, replayed by %s", name(rec), name(now))
}

// leaderboardDiff compares the recorded result.json with a replay's.
func leaderboardDiff(b *Bundle, res *Result) []string {
	var rec Result
	if err := jsonUnmarshal(b.Files[ResultFile], &rec); err != nil {
		return []string{"the recorded " + ResultFile + " is unreadable"}
	}
	byID := map[string]Row{}
	for _, r := range rec.Leaderboard {
		byID[r.Entrant] = r
	}
	var out []string
	for _, r := range res.Leaderboard {
		w, ok := byID[r.Entrant]
		switch {
		case !ok:
			out = append(out, r.Entrant+": not in the recorded result")
		case w.Equity != r.Equity || w.Fills != r.Fills || w.Fees != r.Fees:
			out = append(out, fmt.Sprintf("%s: equity %s, fills %d, fees %s; recorded %s, %d, %s", r.Entrant, r.Equity, r.Fills, r.Fees, w.Equity, w.Fills, w.Fees))
		}
	}
	if len(out) == 0 {
		out = append(out, "the leaderboard is the same; the ledgers differ (record hashes or final state)")
	}
	return out
}
