package season

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/worker/internal/journal"
	"github.com/autonome-go/autonome/worker/internal/journal/journaltest"
)

// The live season's journals, one segment per period and worker run,
// export as one bundle per period; each verifies offline to its result
// hash, says how its segments join (a period cut, a restart) and whether
// it reaches the period's end; a byte changed in a journal is caught even
// when the manifest's checksums are rewritten to match.
func TestLivePeriodsExportAndVerify(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	journaltest.Write(t, dir, 1)

	var buf bytes.Buffer
	if err := Main(t.Context(), []string{"export", dir, "--id", "live", "--out-dir", out}, &buf, func(string) string { return "" }); err != nil {
		t.Fatalf("season export: %v\n%s", err, buf.String())
	}
	bundles, _ := filepath.Glob(filepath.Join(out, "*.tar.zst"))
	if len(bundles) != 3 {
		t.Fatalf("bundles %v, want one per period (3)\n%s", bundles, buf.String())
	}
	want := []struct {
		joins    []string
		complete bool
	}{{[]string{"first"}, true}, {[]string{"first", "restart"}, true}, {[]string{"first"}, false}}
	for i, path := range bundles {
		b, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if b.Manifest.Kind != LiveKind || !b.Manifest.Start.Equal(journaltest.Start.Add(time.Duration(i)*journaltest.Period)) {
			t.Fatalf("%s: manifest %+v", filepath.Base(path), b.Manifest)
		}
		res, err := VerifyLive(b)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		var joins []string
		for _, s := range res.Segments {
			joins = append(joins, s.Joins)
		}
		if strings.Join(joins, ",") != strings.Join(want[i].joins, ",") || res.Complete != want[i].complete {
			t.Fatalf("%s: segments join %v, complete %v; want %v, %v", filepath.Base(path), joins, res.Complete, want[i].joins, want[i].complete)
		}
		if len(res.Leaderboard) != len(journaltest.Entrants) || res.Leaderboard[0].Name == "" || len(res.Equity) != len(journaltest.Entrants) {
			t.Fatalf("%s: leaderboard %+v, %d equity series", filepath.Base(path), res.Leaderboard, len(res.Equity))
		}
		fills := 0
		for _, r := range res.Leaderboard {
			fills += r.Fills
		}
		if fills == 0 {
			t.Fatalf("%s: no fills in the period: the journal exercises nothing", filepath.Base(path))
		}
		buf.Reset()
		if err := Main(t.Context(), []string{"verify", path}, &buf, os.Getenv); err != nil || !strings.Contains(buf.String(), "verified "+b.Manifest.ResultHash) {
			t.Fatalf("season verify %s: %v\n%s", filepath.Base(path), err, buf.String())
		}
	}
	// Period 2 runs on from period 1's closing state exactly.
	b1, _ := ReadFile(bundles[0])
	b2, _ := ReadFile(bundles[1])
	r1, _ := VerifyLive(b1)
	var first []byte
	for _, f := range b2.Manifest.Files {
		if strings.HasPrefix(f.Name, liveJournalDir) {
			first = b2.Files[f.Name]
			break
		}
	}
	h, err := readHeader(first)
	if err != nil {
		t.Fatal(err)
	}
	if journal.StateHash(h.Start) != r1.Segments[0].Close.State || len(h.Start.Markets) == 0 {
		t.Fatal("period 2's journal does not start from period 1's closing state, books included")
	}

	// One changed byte in a book level, with the checksums rewritten.
	b, _ := ReadFile(bundles[1])
	name := b.Manifest.Files[0].Name
	for _, f := range b.Manifest.Files {
		if strings.HasPrefix(f.Name, liveJournalDir) {
			name = f.Name
			break
		}
	}
	plain := journaltest.Decompress(t, b.Files[name])
	i := bytes.Index(plain[len(plain)/2:], []byte(`"size":`))
	if i < 0 {
		t.Fatal("no book level in the journal")
	}
	i += len(plain)/2 + len(`"size":`)
	tampered := bytes.Clone(plain)
	if tampered[i] == '9' {
		tampered[i] = '8'
	} else {
		tampered[i]++
	}
	b.Files[name] = journaltest.Compress(t, tampered)
	var rewritten bytes.Buffer
	if err := Write(&rewritten, b.Manifest, b.Files); err != nil {
		t.Fatal(err)
	}
	tb, err := Read(&rewritten)
	if err != nil {
		t.Fatalf("the rewritten bundle's checksums: %v", err)
	}
	if _, err := VerifyLive(tb); err == nil {
		t.Fatal("a changed book level verified")
	}
	// Without rewriting them, the checksum says which file.
	var damaged bytes.Buffer
	old, _ := ReadFile(bundles[1])
	man, _ := json.Marshal(old.Manifest)
	names := slices.Sorted(maps.Keys(b.Files))
	if err := writeArchive(&damaged, man, names, b.Files); err != nil {
		t.Fatal(err)
	}
	var ce *ChecksumError
	if _, err := Read(&damaged); !errors.As(err, &ce) || !strings.Contains(err.Error(), name) {
		t.Fatalf("a changed journal under the old manifest: %v", err)
	}
}
