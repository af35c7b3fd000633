package lighter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

type discardSink struct{}

func (discardSink) OnBook(context.Context, arena.BookUpdate) error   { return nil }
func (discardSink) OnTrade(context.Context, arena.TradePrint) error  { return nil }
func (discardSink) OnStats(context.Context, arena.MarketStats) error { return nil }

func benchHandler(b *testing.B) *handler {
	f, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	btc := arena.DefaultMarkets()[0]
	return &handler{
		byID: map[int64]arena.Market{1: btc}, books: map[int64]*bookSync{1: {synced: true}},
		trades: map[int64]int64{}, hist: f.hist, log: f.cfg.Logger, now: time.Now, resyncIn: time.Hour,
		send: func(context.Context, any) error { return nil },
	}
}

// deltaMessage builds an update/order_book message with n levels a side.
func deltaMessage(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"channel":"order_book:1","offset":41692864,"order_book":{"code":0,"asks":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"price":"%d.%d","size":"%d.%05d"}`, 97090+i, i%10, i%3, 1000+i)
	}
	buf.WriteString(`],"bids":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"price":"%d.%d","size":"%d.%05d"}`, 97080-i, i%10, i%3, 2000+i)
	}
	buf.WriteString(`],"offset":41692864,"nonce":4037957053,"begin_nonce":4037957000,"last_updated_at":1778239261050456},"timestamp":1778239261051,"type":"update/order_book"}`)
	return buf.Bytes()
}

// BenchmarkHandleBookDelta measures decoding a book delta from the stream
// into an arena.BookUpdate delivered to a sink (nonce check included).
func BenchmarkHandleBookDelta(b *testing.B) {
	for _, n := range []int{2, 20} {
		b.Run(fmt.Sprintf("levels=%d", 2*n), func(b *testing.B) {
			h := benchHandler(b)
			msg := deltaMessage(n)
			if !json.Valid(msg) {
				b.Fatal("bad message")
			}
			ctx := context.Background()
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				h.books[1].nonce = 4037957000
				if err := h.handle(ctx, msg, discardSink{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var _ marketdata.Sink = discardSink{}
