package tape

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// BenchmarkReplay measures decoding and delivering a synthetic tape (about
// 1,200 messages a minute of stream) as fast as possible.
func BenchmarkReplay(b *testing.B) {
	tapeBytes, recorded, _ := record(b, 3, 600)
	sink := marketdata.SinkFunc(func(context.Context, marketdata.Message) error { return nil })
	b.SetBytes(int64(len(tapeBytes)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := NewReplay(bytes.NewReader(tapeBytes), ReplayOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Run(context.Background(), sink); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(recorded)*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkRecord measures encoding messages onto a tape.
func BenchmarkRecord(b *testing.B) {
	_, msgs, _ := record(b, 3, 600)
	r := NewRecorder(nil, io.Discard, Options{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m := msgs[i%len(msgs)]
		if err := r.write(func(buf []byte) ([]byte, error) { return appendMessage(buf, m) }); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
