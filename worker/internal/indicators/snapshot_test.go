package indicators

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2025, 11, 21, 0, 0, 0, 0, time.UTC)

// candles makes n deterministic bars of width step around base.
func candles(n int, step time.Duration, base float64) []arena.Candle {
	out := make([]arena.Candle, n)
	prev := base
	for i := range out {
		c := base + base*0.01*math.Sin(float64(i)/5) + float64(i)*base*0.0002
		out[i] = arena.Candle{
			Start: t0.Add(time.Duration(i) * step), Open: prev, Close: c,
			High: math.Max(prev, c) + base*0.001, Low: math.Min(prev, c) - base*0.001,
			Volume: 10 + float64(i%7),
		}
		prev = c
	}
	return out
}

func testInputs() []Input {
	return []Input{
		{Symbol: "BTC", Intraday: candles(180, 5*time.Minute, 65000), HigherTF: candles(90, 4*time.Hour, 64000),
			Stats: arena.MarketStats{Symbol: "BTC", MarkPrice: arena.MustFixed("65012.5"), FundingRate: arena.MustFixed("0.0000125"),
				OpenInterest: arena.MustFixed("1234.5"), DailyVolume: arena.MustFixed("987654321"), DailyChange: arena.MustFixed("-1.25")}},
		{Symbol: "ETH", Intraday: candles(180, 5*time.Minute, 3200), HigherTF: candles(90, 4*time.Hour, 3100),
			Stats: arena.MarketStats{Symbol: "ETH", MarkPrice: arena.MustFixed("3201.1")}},
		{Symbol: "SOL", Intraday: candles(180, 5*time.Minute, 150), HigherTF: candles(90, 4*time.Hour, 140),
			Stats: arena.MarketStats{Symbol: "SOL", MarkPrice: arena.MustFixed("150.2")}},
	}
}

func TestBuildMatchesIndicators(t *testing.T) {
	in := testInputs()
	s, err := Build(t0.Add(15*time.Hour), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Markets) != 3 {
		t.Fatalf("markets = %d", len(s.Markets))
	}
	m, ok := s.Market("BTC")
	if !ok {
		t.Fatal("no BTC")
	}
	bars := in[0].Intraday
	mids := make([]float64, len(bars))
	closes := make([]float64, len(bars))
	for i, b := range bars {
		mids[i], closes[i] = (b.Open+b.Close)/2, b.Close
	}
	n := len(bars) - 1
	checks := []struct {
		name      string
		got, want float64
	}{
		{"ema20", m.Intraday.Latest.EMA20, EMA(mids, 20)[n]},
		{"macd", m.Intraday.Latest.MACD, MACD(mids)[n]},
		{"rsi7", m.Intraday.Latest.RSI7, RSI(closes, 7)[n]},
		{"rsi14", m.Intraday.Latest.RSI14, RSI(closes, 14)[n]},
		{"atr10", m.Intraday.Latest.ATR10, ATR(bars, 10)[n]},
		{"atr14", m.Intraday.Latest.ATR14, ATR(bars, 14)[n]},
		{"close", m.Intraday.Latest.Close, bars[n].Close},
		{"series tail = latest", m.Intraday.Series.RSI14[SeriesLen-1], m.Intraday.Latest.RSI14},
	}
	for _, c := range checks {
		if c.got != c.want || math.IsNaN(c.got) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	var sum float64
	for _, b := range bars[len(bars)-AvgVolumeBars:] {
		sum += b.Volume
	}
	if got := m.Intraday.Latest.AvgVolume; math.Abs(got-sum/AvgVolumeBars) > 1e-12 {
		t.Errorf("avg volume = %v, want %v", got, sum/AvgVolumeBars)
	}
	if got := len(m.HigherTF.Series.EMA20); got != SeriesLen {
		t.Errorf("4h series len = %d", got)
	}
	if !m.HigherTF.LastBar.Equal(in[0].HigherTF[89].Start) {
		t.Errorf("4h last bar = %v", m.HigherTF.LastBar)
	}
}

func TestBuildRejectsUnorderedCandles(t *testing.T) {
	in := testInputs()
	in[1].HigherTF[5].Start = in[1].HigherTF[4].Start
	if _, err := Build(t0, in); err == nil || !strings.Contains(err.Error(), "ETH 4h") {
		t.Fatalf("err = %v, want an ETH 4h ordering error", err)
	}
}

func TestFewBarsShowNotAvailable(t *testing.T) {
	s, err := Build(t0, []Input{{Symbol: "SOL", Intraday: candles(5, 5*time.Minute, 150)}})
	if err != nil {
		t.Fatal(err)
	}
	m := s.Markets[0]
	if !math.IsNaN(m.Intraday.Latest.EMA20) || !math.IsNaN(m.HigherTF.Latest.Close) {
		t.Fatalf("want NaN indicators, got %+v / %+v", m.Intraday.Latest, m.HigherTF.Latest)
	}
	if !strings.Contains(s.Text(), "ema20 = n/a") || strings.Contains(s.Text(), "NaN") {
		t.Fatalf("text should say n/a, never NaN:\n%s", s.Text())
	}
}

// Times are converted to UTC and labelled UTC whatever zone the caller used
// (the reference printed Asia/Kolkata time labelled UTC).
func TestTextTimesAreUTC(t *testing.T) {
	kolkata := time.FixedZone("IST", 5*3600+1800)
	asOf := time.Date(2025, 11, 21, 15, 35, 0, 0, kolkata) // 10:05 UTC
	in := testInputs()[:1]
	for i := range in[0].Intraday {
		in[0].Intraday[i].Start = in[0].Intraday[i].Start.In(kolkata)
	}
	s, err := Build(asOf, in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Text(), "Market data as of 2025-11-21 10:05:00 UTC") {
		t.Fatalf("as-of line not in UTC:\n%s", s.Text()[:120])
	}
	last := in[0].Intraday[len(in[0].Intraday)-1].Start.UTC().Format(TimeLayout)
	if !strings.Contains(s.Text(), "newest bar opened "+last) {
		t.Fatalf("newest 5m bar %s not shown in UTC", last)
	}
}

func TestTextGolden(t *testing.T) {
	s, err := Build(t0.Add(15*time.Hour), testInputs())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "snapshot.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(s.Text()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if s.Text() != string(want) {
		t.Fatalf("snapshot text differs from %s (run with -update after checking):\n%s", path, s.Text())
	}
}

func BenchmarkBuild(b *testing.B) {
	in := testInputs()
	asOf := t0.Add(15 * time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(asOf, in); err != nil {
			b.Fatal(err)
		}
	}
}
