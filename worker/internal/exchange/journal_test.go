package exchange

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

// jsonJournal encodes every input at once, as a journal file would.
type jsonJournal struct {
	buf bytes.Buffer
	n   int
}

func (j *jsonJournal) Input(in *Input) {
	if err := json.NewEncoder(&j.buf).Encode(in); err != nil {
		panic(err)
	}
	j.n++
}

func (j *jsonJournal) inputs(t *testing.T) []Input {
	t.Helper()
	var out []Input
	dec := json.NewDecoder(bytes.NewReader(j.buf.Bytes()))
	for dec.More() {
		var in Input
		if err := dec.Decode(&in); err != nil {
			t.Fatal(err)
		}
		out = append(out, in)
	}
	return out
}

// The exchange is a pure function of its restored state and its journal:
// a seeded random run (orders of every kind, books, trades, stats, funding,
// exit plans, cancels, resets, liquidations) journaled through JSON and
// applied to a new exchange restored from the run's starting state gives
// the same batches and the same final state, record for record. The
// starting state is taken after part of the run, restored into an exchange
// without books, as a worker restart does.
func TestJournalReplaysTheRunExactly(t *testing.T) {
	s := newScripted(t, 11, func(c *Config) { c.SlippageBps = fx("4"); c.TakerLatency = 150_000_000 })
	s.book("BTC")
	s.book("ETH")
	for range 300 {
		s.op()
	}
	// Cut here as a restart would: the state without books.
	start := s.h.ex.Export()
	j := &jsonJournal{}
	cfg := s.h.ex.cfg
	rec := NewRecorder()
	cfg.Sink, cfg.Journal = rec, j
	live, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Restore(start); err != nil {
		t.Fatal(err)
	}
	s.h.ex, s.h.rec = live, rec
	s.book("BTC")
	s.book("ETH")
	for range 1500 {
		s.op()
	}
	if err := s.h.ex.OpenAccount("late"); err != nil {
		t.Fatal(err)
	}
	s.h.ex.Advance(s.h.step(3 * 3600 * 1e9))

	raw, _ := json.Marshal(start)
	var decoded arena.ExchangeState
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	again := NewRecorder()
	cfg.Sink, cfg.Journal = again, nil
	replay, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := replay.Restore(decoded); err != nil {
		t.Fatal(err)
	}
	ins := j.inputs(t)
	if len(ins) != j.n || len(ins) < 1500 {
		t.Fatalf("journal holds %d inputs of %d", len(ins), j.n)
	}
	for _, in := range ins {
		_ = replay.Apply(in) // an input that failed live fails the same way
	}
	compareBatches(t, rec.Batches(), again.Batches())
	if diff := cmp.Diff(live.Export(), replay.Export()); diff != "" {
		t.Fatalf("final states differ (-live +replay):\n%s", diff)
	}
	fills := 0
	for _, b := range rec.Batches() {
		fills += len(b.Fills)
	}
	if fills < 50 {
		t.Fatalf("only %d fills after the cut: the run exercises little", fills)
	}

	// One changed input changes the outcome, not just a checksum.
	for i := range ins {
		if ins[i].Kind == InputOrder && ins[i].Order.Type == arena.OrderMarket {
			ins[i].Order.Quantity = ins[i].Order.Quantity.MulInt(2)
			break
		}
	}
	other := NewRecorder()
	cfg.Sink = other
	tampered, _ := New(cfg)
	_ = tampered.Restore(decoded)
	for _, in := range ins {
		_ = tampered.Apply(in)
	}
	if cmp.Equal(rec.Batches(), other.Batches()) {
		t.Fatal("a doubled order quantity replayed to the same batches")
	}
}

func TestApplyRefusesAnIncompleteInput(t *testing.T) {
	h := newHarness(t, nil)
	for _, in := range []Input{{Kind: InputOrder}, {Kind: InputTrade}, {Kind: "teleport"}} {
		if err := h.ex.Apply(in); err == nil {
			t.Errorf("Apply(%+v) = nil", in)
		}
	}
}
