package marketdata

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

var t0 = time.Date(2026, 5, 5, 12, 0, 0, 0, time.UTC)

func at(minutes float64) time.Time { return t0.Add(time.Duration(minutes * float64(time.Minute))) }

func bar(minute int, o, h, l, c, v float64) arena.Candle {
	return arena.Candle{Start: t0.Add(time.Duration(minute) * time.Minute), Open: o, High: h, Low: l, Close: c, Volume: v}
}

type obs struct {
	t             time.Time
	price, volume float64
}

func TestAggregatorObserve(t *testing.T) {
	tests := []struct {
		name string
		keep int
		obs  []obs
		want []arena.Candle
	}{
		{
			name: "one bar",
			keep: 10,
			obs:  []obs{{at(0), 100, 1}, {at(1), 105, 2}, {at(2), 95, 0}, {at(4.99), 101, 0.5}},
			want: []arena.Candle{bar(0, 100, 105, 95, 101, 3.5)},
		},
		{
			name: "next bar opens at its first price",
			keep: 10,
			obs:  []obs{{at(0), 100, 1}, {at(5), 103, 1}},
			want: []arena.Candle{bar(0, 100, 100, 100, 100, 1), bar(5, 103, 103, 103, 103, 1)},
		},
		{
			name: "gap filled flat at previous close",
			keep: 10,
			obs:  []obs{{at(0), 100, 1}, {at(1), 101, 0}, {at(16), 99, 2}},
			want: []arena.Candle{
				bar(0, 100, 101, 100, 101, 1), bar(5, 101, 101, 101, 101, 0),
				bar(10, 101, 101, 101, 101, 0), bar(15, 99, 99, 99, 99, 2),
			},
		},
		{
			name: "late trade extends old bar but not its close",
			keep: 10,
			obs:  []obs{{at(0), 100, 1}, {at(6), 102, 1}, {at(3), 110, 4}, {at(-30), 1, 1}},
			want: []arena.Candle{bar(0, 100, 110, 100, 100, 5), bar(5, 102, 102, 102, 102, 1)},
		},
		{
			name: "keeps the last bars only, even across a long gap",
			keep: 2,
			obs:  []obs{{at(0), 100, 1}, {at(5), 101, 1}, {at(10), 102, 1}, {at(600), 90, 1}},
			want: []arena.Candle{bar(595, 102, 102, 102, 102, 0), bar(600, 90, 90, 90, 90, 1)},
		},
		{
			name: "bad prices and volumes ignored",
			keep: 10,
			obs:  []obs{{at(0), 100, 1}, {at(1), 0, 1}, {at(1), -5, 1}, {at(2), 200, -1}},
			want: []arena.Candle{bar(0, 100, 100, 100, 100, 1)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAggregator(5*time.Minute, tt.keep)
			for _, o := range tt.obs {
				a.Observe("BTC", o.t, o.price, o.volume)
			}
			if diff := cmp.Diff(tt.want, a.Last("BTC", 100)); diff != "" {
				t.Errorf("bars (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAggregatorSeedThenObserve(t *testing.T) {
	a := NewAggregator(5*time.Minute, 3)
	seed := []arena.Candle{bar(10, 3, 3, 3, 3, 0), bar(0, 1, 1, 1, 1, 1), bar(5, 2, 2, 2, 2, 2)}
	must(t, a.Seed("ETH", seed))
	a.Observe("ETH", at(11), 4, 1)
	want := []arena.Candle{bar(0, 1, 1, 1, 1, 1), bar(5, 2, 2, 2, 2, 2), bar(10, 3, 4, 3, 4, 1)}
	if diff := cmp.Diff(want, a.Last("ETH", 3)); diff != "" {
		t.Errorf("bars (-want +got):\n%s", diff)
	}
	if got := a.Last("ETH", 2); len(got) != 2 || !got[1].Start.Equal(at(10)) {
		t.Errorf("Last(2) = %v", got)
	}
	if err := a.Seed("ETH", []arena.Candle{{Start: at(1)}}); arena.ErrorCode(err) != arena.CodeInvalid {
		t.Errorf("misaligned seed: %v", err)
	}
}

func TestBarStart(t *testing.T) {
	tests := []struct {
		in   time.Time
		res  time.Duration
		want time.Time
	}{
		{time.Date(2026, 5, 5, 13, 59, 59, 0, time.UTC), 4 * time.Hour, time.Date(2026, 5, 5, 12, 0, 0, 0, time.UTC)},
		{time.Date(2026, 5, 5, 13, 7, 0, 0, time.FixedZone("IST", 19800)), 5 * time.Minute, time.Date(2026, 5, 5, 7, 35, 0, 0, time.UTC)},
		{time.Unix(-1, 0), time.Minute, time.Unix(-60, 0).UTC()},
	}
	for _, tt := range tests {
		if got := BarStart(tt.in, tt.res); !got.Equal(tt.want) {
			t.Errorf("BarStart(%v, %v) = %v, want %v", tt.in, tt.res, got, tt.want)
		}
	}
}

func TestCandleSetValidates(t *testing.T) {
	s := NewCandleSet(map[time.Duration]int{Resolution5m: 5, Resolution4h: 5})
	s.Observe("SOL", t0, 190, 1)
	if got, err := s.Candles("SOL", Resolution4h, 5); err != nil || len(got) != 1 {
		t.Errorf("4h = %v, %v", got, err)
	}
	for _, c := range []struct {
		res time.Duration
		n   int
	}{{time.Hour, 1}, {Resolution5m, 0}, {Resolution5m, 6}} {
		if _, err := s.Candles("SOL", c.res, c.n); arena.ErrorCode(err) != arena.CodeInvalid {
			t.Errorf("Candles(%v, %d) err = %v", c.res, c.n, err)
		}
	}
}
