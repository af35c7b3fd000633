package synthetic

import (
	"time"

	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// dayWindow keeps the last day of five-minute buckets (and the one before)
// for the 24-hour volume and change of the market stats.
type dayWindow struct {
	buckets [dayBuckets + 1]dayBucket // ring; head is the current bucket
	head    int
	n       int
}

type dayBucket struct {
	start       time.Time
	close       float64
	quoteVolume float64
}

// add records a price (and quote volume) at t. Times before the current
// bucket count towards it.
func (w *dayWindow) add(t time.Time, price, quoteVolume float64) {
	start := marketdata.BarStart(t, marketdata.Resolution5m)
	if w.n == 0 || start.After(w.buckets[w.head].start) {
		w.push(start, price)
	}
	b := &w.buckets[w.head]
	b.close = price
	b.quoteVolume += quoteVolume
}

// push opens a new bucket (flat-filling skipped ones, at most a window's worth).
func (w *dayWindow) push(start time.Time, price float64) {
	if w.n > 0 {
		prev := w.buckets[w.head]
		next := prev.start.Add(marketdata.Resolution5m)
		if start.Sub(next) > dayBuckets*marketdata.Resolution5m {
			next = start.Add(-dayBuckets * marketdata.Resolution5m)
		}
		for ; next.Before(start); next = next.Add(marketdata.Resolution5m) {
			w.advance(dayBucket{start: next, close: prev.close})
		}
	}
	w.advance(dayBucket{start: start, close: price})
}

func (w *dayWindow) advance(b dayBucket) {
	if w.n > 0 {
		w.head = (w.head + 1) % len(w.buckets)
	}
	w.buckets[w.head] = b
	w.n = min(w.n+1, len(w.buckets))
}

// quoteVolume sums the last dayBuckets buckets, the current one included.
func (w *dayWindow) quoteVolume() float64 {
	var sum float64
	for i := range min(w.n, dayBuckets) {
		sum += w.buckets[(w.head-i+len(w.buckets))%len(w.buckets)].quoteVolume
	}
	return sum
}

// changePercent is the percent change from the close a day ago (the oldest
// bucket held) to price; 0 until a full day is held.
func (w *dayWindow) changePercent(price float64) float64 {
	if w.n < len(w.buckets) {
		return 0
	}
	ref := w.buckets[(w.head+1)%len(w.buckets)].close
	if ref <= 0 {
		return 0
	}
	return (price/ref - 1) * 100
}
