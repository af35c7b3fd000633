package llm

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLineupSkipsModelsWithoutKeysInOneLine(t *testing.T) {
	var logs bytes.Buffer
	seats, err := Lineup(arena.DefaultRoster(), Options{Getenv: env(nil), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if len(seats) != 5 {
		t.Fatalf("%d seats, want the 5 baselines", len(seats))
	}
	for _, s := range seats {
		if s.Entry.Kind != arena.KindBaseline {
			t.Errorf("seat %+v", s.Entry)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "NIM_API_KEY") || !strings.Contains(lines[0], "models=21") {
		t.Fatalf("want one log line naming NIM_API_KEY and 21 models, got:\n%s", logs.String())
	}
}

func TestLineupWithKeysAndLocalServer(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Reply{Calls: []llmtest.Call{{Name: "holding", Arguments: `{}`}}})
	seats, err := Lineup(arena.DefaultRoster(), Options{
		Getenv: env(map[string]string{"NIM_API_KEY": "a", "NIM_API_KEY2": "b", "NIM_BASE_URL": srv.BaseURL()}),
		Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)),
		Models: map[string]ModelOverride{"minimaxai/minimax-m2": {MaxTokens: 1234}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seats) != 26 {
		t.Fatalf("%d seats", len(seats))
	}
	var guardian Seat
	for _, s := range seats {
		if s.Entry.ProviderModel == "minimaxai/minimax-m2" && s.Entry.Variant == arena.Guardian {
			guardian = s
		}
		if s.Entry.Kind == arena.KindBaseline && s.Entry.ProviderModel == BaselineBuyAndHoldBTC && s.Limits.MaxLeverage != arena.One {
			t.Errorf("buy-and-hold limits %+v", s.Limits)
		}
	}
	if guardian.Limits != decision.VariantRiskLimits(arena.Guardian) {
		t.Fatalf("guardian limits %+v", guardian.Limits)
	}
	in := testInput()
	in.Limits = guardian.Limits
	inv, err := guardian.Agent.Decide(t.Context(), in, &fillAll{})
	if err != nil || inv.Finish != arena.FinishHolding {
		t.Fatalf("%v %+v", err, inv)
	}
	req := srv.Requests()[0]
	if req.Auth != "Bearer a" || req.Body["max_tokens"] != 1234.0 || req.Body["model"] != "minimaxai/minimax-m2" {
		t.Fatalf("request auth %q body %v", req.Auth, req.Body)
	}
}

func TestLineupRejectsUnknownProviderAndBaseline(t *testing.T) {
	_, err := Lineup([]arena.RosterEntry{{Name: "x", ProviderModel: "x/y", Provider: "acme", Kind: arena.KindLLM}}, Options{Getenv: env(nil)})
	if err == nil || !strings.Contains(err.Error(), "acme") {
		t.Fatalf("err %v", err)
	}
	_, err = Lineup([]arena.RosterEntry{{Name: "z", ProviderModel: "baseline/zzz", Kind: arena.KindBaseline}}, Options{Getenv: env(nil)})
	if err == nil {
		t.Fatal("unknown baseline accepted")
	}
}

func TestReadKeys(t *testing.T) {
	got := readKeys(env(map[string]string{"K": "a", "K1": " ", "K3": "c", "K9": "z"}), "K")
	if strings.Join(got, ",") != "a,c,z" {
		t.Fatalf("keys %v", got)
	}
}

// All 21 seats decide at once, as a cycle does; their requests share the
// provider's key rotation.
func TestLineupConcurrentCycle(t *testing.T) {
	replies := make([]llmtest.Reply, 21)
	for i := range replies {
		replies[i] = hold()
	}
	srv := llmtest.NewServer(t, replies...)
	seats, err := Lineup(arena.DefaultRoster(), Options{
		Getenv: env(map[string]string{"NIM_API_KEY": "a", "NIM_API_KEY1": "b", "NIM_API_KEY2": "c", "NIM_BASE_URL": srv.BaseURL()}),
		Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, len(seats))
	for _, s := range seats {
		go func() {
			in := testInput()
			in.Limits = s.Limits
			_, err := s.Agent.Decide(t.Context(), in, &fillAll{})
			errs <- err
		}()
	}
	for range seats {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	perKey := map[string]int{}
	for _, r := range srv.Requests() {
		perKey[r.Auth]++
	}
	if perKey["Bearer a"] != 7 || perKey["Bearer b"] != 7 || perKey["Bearer c"] != 7 {
		t.Fatalf("keys not rotated across models: %v", perKey)
	}
}
