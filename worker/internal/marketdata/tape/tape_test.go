package tape

import (
	"bytes"
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
)

var start = time.Date(2026, 5, 5, 12, 0, 0, 0, time.UTC)

func newSynthetic(t testing.TB, seed uint64, ticks int) *synthetic.Feed {
	t.Helper()
	f, err := synthetic.New(synthetic.Config{Seed: seed, Start: start, Fast: true, Ticks: ticks, Interval: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// collector returns a sink appending to *got.
func collector(got *[]marketdata.Message) marketdata.Sink {
	return marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
		*got = append(*got, m)
		return nil
	})
}

// record runs a seeded synthetic feed through a Recorder and returns the
// tape, the messages delivered downstream and the feed.
func record(t testing.TB, seed uint64, ticks int) ([]byte, []marketdata.Message, *synthetic.Feed) {
	t.Helper()
	feed := newSynthetic(t, seed, ticks)
	markets, _ := feed.Markets(context.Background())
	var tape bytes.Buffer
	var delivered []marketdata.Message
	rec := NewRecorder(feed, &tape, Options{Source: "synthetic", Markets: markets, History: feed})
	if err := rec.Run(context.Background(), collector(&delivered)); err != nil {
		t.Fatal(err)
	}
	return tape.Bytes(), delivered, feed
}

func TestRecordThenReplayIsIdentical(t *testing.T) {
	tape, recorded, feed := record(t, 5, 400) // 800 s of stream: crosses 5m bars
	ctx := t.Context()
	p, err := NewReplay(bytes.NewReader(tape), ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if h := p.Header(); h.Source != "synthetic" || h.Version != Version || !reflect.DeepEqual(h.Markets, arena.DefaultMarkets()) {
		t.Errorf("header %+v", h)
	}
	var replayed []marketdata.Message
	if err := p.Run(ctx, collector(&replayed)); err != nil {
		t.Fatal(err)
	}
	if len(recorded) < 400*3 {
		t.Fatalf("recorded only %d messages", len(recorded))
	}
	if !reflect.DeepEqual(recorded, replayed) {
		t.Fatalf("replay differs from the recording (-recorded +replayed):\n%s", cmp.Diff(recorded, replayed))
	}
	// The replay's history is the recorded history extended exactly as the
	// live feed extended its own.
	for _, sym := range []arena.Symbol{"BTC", "ETH", "SOL"} {
		for _, c := range []struct {
			res time.Duration
			n   int
		}{{marketdata.Resolution5m, 180}, {marketdata.Resolution4h, 90}} {
			want, err := feed.Candles(ctx, sym, c.res, c.n)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Candles(ctx, sym, c.res, c.n)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(a) })); diff != "" {
				t.Fatalf("%s %v candles (-feed +replay):\n%s", sym, c.res, diff)
			}
		}
		want, _ := feed.Stats(ctx, sym)
		got, err := p.Stats(ctx, sym)
		if err != nil || !reflect.DeepEqual(want, got) {
			t.Errorf("%s stats %+v, %v; want %+v", sym, got, err, want)
		}
	}
}

func TestRecordingIsDeterministic(t *testing.T) {
	a, _, _ := record(t, 9, 50)
	b, _, _ := record(t, 9, 50)
	if !bytes.Equal(a, b) {
		t.Fatal("two recordings of the same seeded feed differ")
	}
	lines := strings.Split(strings.TrimSuffix(string(a), "\n"), "\n")
	if !strings.HasPrefix(lines[0], `{"type":"header","data":{"version":1,"source":"synthetic"`) {
		t.Errorf("first line %.80s", lines[0])
	}
	if !strings.HasPrefix(lines[1], `{"type":"candles","data":{"symbol":"BTC","resolution":"5m0s","bars":[{"start":`) {
		t.Errorf("second line %.80s", lines[1])
	}
	if want := 1 + 3*2; !strings.HasPrefix(lines[want], `{"type":"book","data":{"symbol":"BTC"`) {
		t.Errorf("first message line %.80s", lines[want])
	}
}

// tapeOf builds a tape from a header line and messages.
func tapeOf(t *testing.T, msgs ...marketdata.Message) string {
	t.Helper()
	b, err := appendLine(nil, typeHeader, Header{Version: Version, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if b, err = appendMessage(b, m); err != nil {
			t.Fatal(err)
		}
	}
	return string(b)
}

func trade(offset time.Duration) marketdata.Message {
	return marketdata.TradeMessage(arena.TradePrint{Symbol: "BTC", Time: start.Add(offset), Price: arena.FixedInt(97_000), Size: arena.MustFixed("0.01")})
}

func TestPacedReplay(t *testing.T) {
	tape := tapeOf(t, trade(0), trade(time.Second), trade(time.Second), trade(500*time.Millisecond), trade(3*time.Second))
	synctest.Test(t, func(t *testing.T) {
		p, err := NewReplay(strings.NewReader(tape), ReplayOptions{Speed: 2})
		if err != nil {
			t.Fatal(err)
		}
		begin := time.Now()
		var at []time.Duration
		err = p.Run(t.Context(), marketdata.SinkFunc(func(context.Context, marketdata.Message) error {
			at = append(at, time.Since(begin))
			return nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		// Twice the recorded pace; a timestamp going backwards does not wait.
		want := []time.Duration{0, 500 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond, 1500 * time.Millisecond}
		if diff := cmp.Diff(want, at); diff != "" {
			t.Errorf("delivery times (-want +got):\n%s", diff)
		}
	})
}

func TestReplayStopsOnCancel(t *testing.T) {
	tape := tapeOf(t, trade(0), trade(time.Hour))
	synctest.Test(t, func(t *testing.T) {
		p, err := NewReplay(strings.NewReader(tape), ReplayOptions{Speed: 1})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		n := 0
		err = p.Run(ctx, marketdata.SinkFunc(func(context.Context, marketdata.Message) error { n++; return nil }))
		if !errors.Is(err, context.DeadlineExceeded) || n != 1 {
			t.Errorf("err %v after %d messages", err, n)
		}
	})
}

func TestReplayRejectsBadTapes(t *testing.T) {
	good := tapeOf(t, trade(0), trade(time.Second))
	header := strings.SplitAfter(good, "\n")[0]
	tests := []struct {
		name, tape string
		atOpen     bool   // the error comes from NewReplay, not Run
		wantErr    string // "" for a clean run
		wantN      int
	}{
		{name: "empty", tape: "", atOpen: true, wantErr: "tape is empty"},
		{name: "no header", tape: strings.SplitAfter(good, "\n")[1], atOpen: true, wantErr: "not a header"},
		{name: "wrong version", tape: `{"type":"header","data":{"version":7}}` + "\n", atOpen: true, wantErr: "tape version 7"},
		{name: "bad line", tape: header + "{\"type\":\"trade\",\"data\":{\"symbol\":\"BTC\",\"price\":\"x\"}}\n" + strings.SplitAfter(good, "\n")[1], wantErr: "line 2"},
		{name: "unknown type", tape: header + `{"type":"quote","data":{}}` + "\n", wantErr: `line 2: bad quote`},
		{name: "no symbol", tape: header + `{"type":"stats","data":{}}` + "\n", wantErr: "without a symbol"},
		{name: "garbage after the header", tape: header + "nonsense\n" + strings.SplitAfter(good, "\n")[1], atOpen: true, wantErr: "line 2: bad tape line"},
		{name: "garbage mid-tape", tape: good + "nonsense\n" + strings.SplitAfter(good, "\n")[1], wantErr: "line 4: bad tape line"},
		{name: "cut-short last line ends the tape", tape: good + `{"type":"trade","da`, wantN: 2},
		{name: "blank lines skipped", tape: header + "\n\n" + strings.SplitAfter(good, "\n")[1], wantN: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewReplay(strings.NewReader(tt.tape), ReplayOptions{})
			if tt.atOpen {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || arena.ErrorCode(err) != arena.CodeInvalid {
					t.Fatalf("NewReplay err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			err = p.Run(context.Background(), marketdata.SinkFunc(func(context.Context, marketdata.Message) error { n++; return nil }))
			if tt.wantErr == "" {
				if err != nil || n != tt.wantN {
					t.Fatalf("err %v after %d messages, want %d", err, n, tt.wantN)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestReplayStatsAndRunOnce(t *testing.T) {
	stats := marketdata.StatsMessage(arena.MarketStats{Symbol: "ETH", Time: start, FundingRate: arena.MustFixed("0.0000125")})
	p, err := NewReplay(strings.NewReader(tapeOf(t, stats)), ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := p.Stats(ctx, "ETH"); arena.ErrorCode(err) != arena.CodeUnavailable {
		t.Errorf("stats before replay: %v", err)
	}
	if err := p.Run(ctx, marketdata.SinkFunc(func(context.Context, marketdata.Message) error { return nil })); err != nil {
		t.Fatal(err)
	}
	if s, err := p.Stats(ctx, "ETH"); err != nil || s.FundingRate != arena.MustFixed("0.0000125") {
		t.Errorf("stats after replay: %+v, %v", s, err)
	}
	if err := p.Run(ctx, nil); err == nil {
		t.Error("second Run accepted")
	}
	if _, err := NewReplay(strings.NewReader(""), ReplayOptions{Speed: -1}); arena.ErrorCode(err) != arena.CodeInvalid {
		t.Errorf("negative speed: %v", err)
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after--; w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestRecorderStopsOnWriteError(t *testing.T) {
	feed := newSynthetic(t, 1, 0) // endless
	n := 0
	rec := NewRecorder(feed, &failingWriter{after: 20}, Options{Source: "synthetic"})
	err := rec.Run(t.Context(), marketdata.SinkFunc(func(context.Context, marketdata.Message) error { n++; return nil }))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
	if n != 19 { // the header took one write; a message is passed on only once written
		t.Errorf("%d messages passed on", n)
	}
}
