package exchange

import (
	"encoding/json"
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

var checkpointSeeds = flag.Int("checkpoint.seeds", 3, "scripted runs TestCheckpointRestoreContinuesExactly cuts at random points")

// inputLog is a journal that keeps every input, copied through JSON as a
// journal file would.
type inputLog struct{ ins []Input }

func (l *inputLog) Input(in *Input) {
	raw, err := json.Marshal(in)
	if err != nil {
		panic(err)
	}
	var c Input
	if err := json.Unmarshal(raw, &c); err != nil {
		panic(err)
	}
	l.ins = append(l.ins, c)
}

// replayInputs applies ins to ex and returns the batches each one
// published.
func replayInputs(ex *Exchange, rec *Recorder, ins []Input) [][]arena.Batch {
	out := make([][]arena.Batch, len(ins))
	for i, in := range ins {
		_ = ex.Apply(in)
		out[i] = rec.Drain()
	}
	return out
}

func checkpointJSON(t *testing.T, ex *Exchange) []byte {
	t.Helper()
	var raw []byte
	var err error
	ex.Checkpoint(func(st arena.ExchangeState) { raw, err = json.Marshal(st) })
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestCheckpointRestoreContinuesExactly stops a seeded run at random
// points, restores a new exchange from the checkpoint (through JSON, books
// included) and feeds it the rest of the inputs: it must publish exactly
// the batches, and end in exactly the state, of the run without the stop.
// This is what lets a journal be cut into one file per season period.
func TestCheckpointRestoreContinuesExactly(t *testing.T) {
	for seed := range uint64(*checkpointSeeds) {
		log := &inputLog{}
		s := newScripted(t, 100+seed, func(c *Config) {
			c.SlippageBps, c.Journal = fx("4"), log
			c.TakerLatency, c.MakerLatency = 150*time.Millisecond, 40*time.Millisecond
		})
		s.book("BTC")
		s.book("ETH")
		for range 1500 {
			s.op()
		}
		cfg := s.h.ex.cfg
		cfg.Journal = nil
		build := func() (*Exchange, *Recorder) {
			rec := NewRecorder()
			c := cfg
			c.Sink = rec
			ex, err := New(c)
			if err != nil {
				t.Fatal(err)
			}
			return ex, rec
		}
		ins := log.ins
		ref, refRec := build()
		want := replayInputs(ref, refRec, ins)
		if diff := cmp.Diff(s.h.rec.Batches(), flatten(want)); diff != "" {
			t.Fatalf("seed %d: replaying the journal differs from the run (-run +replay):\n%s", seed, diff)
		}
		final := checkpointJSON(t, ref)

		rng := rand.New(rand.NewPCG(seed, 5))
		cuts := []int{0, len(ins)}
		for range 20 {
			cuts = append(cuts, rng.IntN(len(ins)+1))
		}
		for _, k := range cuts {
			first, firstRec := build()
			replayInputs(first, firstRec, ins[:k])
			var st arena.ExchangeState
			if err := json.Unmarshal(checkpointJSON(t, first), &st); err != nil {
				t.Fatal(err)
			}
			second, secondRec := build()
			if err := second.Restore(st); err != nil {
				t.Fatalf("seed %d, cut at input %d: restore: %v", seed, k, err)
			}
			got := replayInputs(second, secondRec, ins[k:])
			if diff := cmp.Diff(flatten(want[k:]), flatten(got)); diff != "" {
				t.Fatalf("seed %d, cut at input %d of %d (%s): the restored run differs (-uninterrupted +restored):\n%s",
					seed, k, len(ins), ins[min(k, len(ins)-1)].Kind, diff)
			}
			if end := checkpointJSON(t, second); string(end) != string(final) {
				var a, b any
				_ = json.Unmarshal(final, &a)
				_ = json.Unmarshal(end, &b)
				t.Fatalf("seed %d, cut at input %d: the restored run ends in another state (-uninterrupted +restored):\n%s", seed, k, cmp.Diff(a, b))
			}
		}
	}
}

func flatten(bs [][]arena.Batch) []arena.Batch {
	var out []arena.Batch
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}
