package tape

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
)

// A binary tape holds exactly what the text tape holds (an empty side
// may come back nil), and a cut or a
// changed length is refused.
func TestBinaryRoundTrip(t *testing.T) {
	f, err := synthetic.New(synthetic.Config{Seed: 4, Start: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Fast: true, Ticks: 400})
	if err != nil {
		t.Fatal(err)
	}
	markets, _ := f.Markets(t.Context())
	var buf bytes.Buffer
	rec := NewRecorder(f, &buf, Options{Source: "synthetic", Markets: markets, History: f})
	if err := rec.Run(t.Context(), marketdata.SinkFunc(func(context.Context, marketdata.Message) error { return nil })); err != nil {
		t.Fatal(err)
	}
	text, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	bin, err := text.EncodeBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBinary(bin)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(text, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("binary round trip (-text +binary):\n%s", diff)
	}
	if len(bin)*2 > buf.Len() {
		t.Errorf("binary tape %d bytes, text %d: expected at least 2× smaller", len(bin), buf.Len())
	}
	for _, cut := range []int{len(bin) - 1, len(bin) / 2} {
		if _, err := DecodeBinary(bin[:cut]); err == nil {
			t.Errorf("a tape cut at %d of %d bytes was read", cut, len(bin))
		}
	}
}
