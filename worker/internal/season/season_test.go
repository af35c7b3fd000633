package season

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

var tapeStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// shortTape is a seeded synthetic tape of d at a 2 s tick, made once per
// (seed, d).
var tapes sync.Map

func shortTape(t testing.TB, seed uint64, d time.Duration) []byte {
	t.Helper()
	key := fmt.Sprint(seed, d)
	if b, ok := tapes.Load(key); ok {
		return b.([]byte)
	}
	b, err := SyntheticTape(context.Background(), seed, tapeStart, 2*time.Second, d)
	if err != nil {
		t.Fatal(err)
	}
	tapes.Store(key, b)
	return b
}

// trader answers as a model that opens a small BTC long on its first step
// when it is flat, closes it when it is not, and holds once it has seen a
// tool result; "test/holder" only holds. The answers depend on the request
// only, not on the order requests arrive in.
func trader(n int, body map[string]any) llmtest.Reply {
	msgs, _ := body["messages"].([]any)
	hold := llmtest.Reply{Calls: []llmtest.Call{{Name: "holding", Arguments: `{"reason":"done"}`}}, PromptTokens: 900, OutputTokens: 40}
	if body["model"] == "test/holder" || len(msgs) > 2 {
		return hold
	}
	user, _ := msgs[1].(map[string]any)["content"].(string)
	if !strings.Contains(user, "open_positions = 0") {
		return llmtest.Reply{Calls: []llmtest.Call{{Name: "closePosition", Arguments: `{"symbols":["BTC"]}`}}, PromptTokens: 1000, OutputTokens: 60}
	}
	return llmtest.Reply{Content: llmtest.Text("BTC looks strong."), PromptTokens: 1000, OutputTokens: 80,
		Calls: []llmtest.Call{{Name: "createPosition", Arguments: `{"decisions":[{"symbol":"BTC","side":"LONG","quantity":0.0005,"leverage":2,` +
			`"profit_target":200000,"stop_loss":50000,"invalidation_condition":"trend breaks","confidence":70}]}`}}}
}

func testRoster(baseURL string) []byte {
	return []byte(`models:
  - name: trader
    provider: openai
    model: test/trader
    baseUrl: ` + baseURL + `
    variants: [Apex, Guardian]
baselines: [buy-and-hold-btc, momentum, random]
`)
}

func bundleBytes(t *testing.T, s *Season, res *Result) []byte {
	t.Helper()
	files, err := s.Files(res)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, s.Manifest(res), files); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readBundle(t *testing.T, b []byte) *Bundle {
	t.Helper()
	bd, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return bd
}

// recordShort records a 25-minute season of two scripted LLM seats and
// three baselines.
func recordShort(t *testing.T, srv *llmtest.Server) (*Season, *Result, []byte) {
	t.Helper()
	s, err := New(Plan{ID: "short", Tape: shortTape(t, 3, 32*time.Minute), Roster: testRoster(srv.BaseURL()), Duration: 25 * time.Minute, BaselineSeed: 5})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(context.Background(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s, res, bundleBytes(t, s, res)
}

// The "done when": record a season with baselines and a scripted
// OpenAI-compatible server, replay it to the same hash, swap one entrant
// for a different and reproducible hash, and reject a changed byte.
func TestRecordReplaySwapVerify(t *testing.T) {
	srv := llmtest.NewServerBodyFunc(t, trader)
	_, res, raw := recordShort(t, srv)
	apex := "trader/Apex"
	row := res.Leaderboard[slices.IndexFunc(res.Leaderboard, func(r Row) bool { return r.Entrant == apex })]
	if row.Fills == 0 || row.Decisions != 5 || len(res.Calls) < 10 {
		t.Fatalf("the scripted model should trade every other turn: %+v, %d calls", row, len(res.Calls))
	}
	served := len(srv.Requests())

	b := readBundle(t, raw)
	got, err := Verify(t.Context(), b, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hash != res.Hash {
		t.Fatalf("replay hash %s, recorded %s", got.Hash, res.Hash)
	}
	if n := len(srv.Requests()); n != served {
		t.Fatalf("the replay reached the network: %d requests, %d before", n, served)
	}
	if again := bundleBytes(t, mustSeason(t, b), got); !bytes.Equal(again, raw) {
		t.Error("a replay's bundle differs from the recorded one")
	}

	// Swap the Apex seat to a model that only holds: a different result,
	// reproduced by replaying the A/B bundle.
	s, calls, err := FromBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ParseSwap(apex + "=model:test/holder")
	d, err := s.Derive(w, b.Manifest.ResultHash, "")
	if err != nil {
		t.Fatal(err)
	}
	delete(calls, apex)
	ab, err := d.Run(t.Context(), RunOptions{Recorded: calls, Replay: true, Live: map[string]bool{apex: true}})
	if err != nil {
		t.Fatal(err)
	}
	if ab.Hash == res.Hash {
		t.Fatal("the swapped season has the parent's hash")
	}
	abRow := ab.Leaderboard[slices.IndexFunc(ab.Leaderboard, func(r Row) bool { return r.Entrant == apex })]
	if abRow.Fills != 0 || abRow.Model != "test/holder" {
		t.Fatalf("swapped entrant: %+v", abRow)
	}
	for _, r := range ab.Leaderboard { // the others replayed their recordings
		if r.Entrant == apex {
			continue
		}
		i := slices.IndexFunc(res.Leaderboard, func(x Row) bool { return x.Entrant == r.Entrant })
		if res.Leaderboard[i].Equity != r.Equity {
			t.Errorf("%s: equity %s in the A/B, %s in the parent", r.Entrant, r.Equity, res.Leaderboard[i].Equity)
		}
	}
	abBundle := readBundle(t, bundleBytes(t, d, ab))
	if abBundle.Manifest.Parent == nil || abBundle.Manifest.Parent.ResultHash != res.Hash {
		t.Errorf("the A/B bundle names parent %+v", abBundle.Manifest.Parent)
	}
	again, err := Verify(t.Context(), abBundle, 1)
	if err != nil || again.Hash != ab.Hash {
		t.Fatalf("A/B replay: %v, hash %s want %s", err, hashOf(again), ab.Hash)
	}

	// One changed byte anywhere in the archive is rejected.
	for _, off := range []int{len(raw) / 3, len(raw) / 2, len(raw) - 5} {
		bad := bytes.Clone(raw)
		bad[off] ^= 0x20
		if _, err := Read(bytes.NewReader(bad)); err == nil {
			t.Errorf("a bundle with byte %d changed was accepted", off)
		}
	}
}

func hashOf(r *Result) string {
	if r == nil {
		return ""
	}
	return r.Hash
}

func mustSeason(t *testing.T, b *Bundle) *Season {
	t.Helper()
	s, _, err := FromBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rewrite writes b's files with edit applied, under manifest (nil: a fresh
// one, as someone editing a bundle would).
func rewrite(t *testing.T, b *Bundle, edit func(files map[string][]byte), keepManifest bool) []byte {
	t.Helper()
	files := map[string][]byte{}
	for k, v := range b.Files {
		files[k] = bytes.Clone(v)
	}
	edit(files)
	var buf bytes.Buffer
	if keepManifest {
		man, _ := json.MarshalIndent(b.Manifest, "", "  ")
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		slices.Sort(names)
		if err := writeArchive(&buf, man, names, files); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if err := Write(&buf, b.Manifest, files); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A changed byte in a file (a book update, a response) is named by the
// checksum check; with the checksums recomputed, a changed response changes
// the replayed outcome, and a changed request is reported as a divergence
// with both texts.
func TestTamperedBundles(t *testing.T) {
	srv := llmtest.NewServerBodyFunc(t, trader)
	_, _, raw := recordShort(t, srv)
	b := readBundle(t, raw)

	bad := rewrite(t, b, func(f map[string][]byte) {
		f[TapeFile][len(f[TapeFile])*2/3] ^= 1 // a book update's bytes
	}, true)
	_, err := Read(bytes.NewReader(bad))
	var ce *ChecksumError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || !strings.HasPrefix(ce.Problems[0], TapeFile+": sha256") {
		t.Fatalf("a changed book update: %v", err)
	}

	// The recorded open becomes a larger one (checksums recomputed): the
	// replay executes it, and the next request shows the larger fill.
	edited := rewrite(t, b, func(f map[string][]byte) {
		f[CallsFile] = bytes.Replace(f[CallsFile], []byte(`\\\"quantity\\\":0.0005`), []byte(`\\\"quantity\\\":0.0007`), 1)
	}, false)
	eb := readBundle(t, edited)
	if bytes.Equal(eb.Files[CallsFile], b.Files[CallsFile]) {
		t.Fatal("the test did not change a response")
	}
	_, err = Verify(t.Context(), eb, 2)
	var dv *Divergence
	if !errors.As(err, &dv) || !strings.Contains(dv.Rebuilt, "filled 0.0007") || !strings.Contains(dv.Recorded, "filled 0.0005") {
		t.Fatalf("a changed response: %v", err)
	}

	// A changed request: the first divergence, with both texts.
	diverged := rewrite(t, b, func(f map[string][]byte) {
		f[CallsFile] = bytes.Replace(f[CallsFile], []byte(`test/trader`), []byte(`test/tradeR`), 1)
	}, false)
	_, err = Verify(t.Context(), readBundle(t, diverged), 2)
	if !errors.As(err, &dv) || !strings.Contains(dv.Recorded, "test/tradeR") || !strings.Contains(dv.Rebuilt, "test/trader") || dv.Seq != 0 {
		t.Fatalf("a changed request: %v", err)
	}
}

// The same season gives the same hash whatever the parallelism.
func TestBaselineSeasonIsDeterministic(t *testing.T) {
	s, err := New(Plan{ID: "det", Tape: shortTape(t, 3, 32*time.Minute), Roster: []byte("models: []\nbaselines: [buy-and-hold-btc, momentum, mean-reversion, random, always-flat]\n"),
		Duration: 25 * time.Minute, BaselineSeed: 9})
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for _, p := range []int{1, 3} {
		res, err := s.Run(t.Context(), RunOptions{Parallel: p})
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, res.Hash)
	}
	if hashes[0] != hashes[1] {
		t.Fatalf("hashes differ across parallelism: %v", hashes)
	}
}

// A prompt swap re-runs one LLM seat live with other templates: its
// requests carry them, the A/B bundle holds them, and it replays.
func TestPromptSwap(t *testing.T) {
	srv := llmtest.NewServerBodyFunc(t, trader)
	_, _, raw := recordShort(t, srv)
	b := readBundle(t, raw)
	s, calls, err := FromBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	err = fs.WalkDir(prompt.DefaultFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, p), 0o755)
		}
		data, err := fs.ReadFile(prompt.DefaultFS(), p)
		if p == "user.tmpl" {
			data = append(data, "\nThink like a hedge fund.\n"...)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, p), data, 0o644)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const seat = "trader/Guardian"
	w, _ := ParseSwap(seat + "=prompt:" + dir)
	d, err := s.Derive(w, b.Manifest.ResultHash, "short-prompt")
	if err != nil {
		t.Fatal(err)
	}
	delete(calls, seat)
	ab, err := d.Run(t.Context(), RunOptions{Recorded: calls, Replay: true, Live: map[string]bool{seat: true}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range ab.Calls {
		if c.Entrant == seat {
			n++
			if !strings.Contains(c.Request, "Think like a hedge fund.") {
				t.Fatalf("a swapped request lacks the new template: %.200s", c.Request)
			}
		}
	}
	abBundle := readBundle(t, bundleBytes(t, d, ab))
	if n == 0 || abBundle.Files["prompts/"+strconv.Itoa(slices.IndexFunc(d.Config.Entrants, func(e Entrant) bool { return e.ID == seat }))+"/user.tmpl"] == nil {
		t.Fatalf("%d swapped calls; bundle files %v", n, slices.Collect(maps.Keys(abBundle.Files)))
	}
	if got, err := Verify(t.Context(), abBundle, 2); err != nil || got.Hash != ab.Hash {
		t.Fatalf("prompt A/B replay: %v", err)
	}
}
