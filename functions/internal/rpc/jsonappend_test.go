package rpc

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

// The hand-written encoder produces exactly what encoding/json does.
func TestHistoryAppendJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	pieces := []string{"a", "Z", "0", " ", "\"", "\\", "<", ">", "&", "\n", "\t", "\x00", "\x1f", "é", "€", "\u2028",
		"\u2029", "🙂", "\xff", "\xe2\x82", "'", "/", "deepseek-v3.1-terminus"}
	str := func() string {
		var sb strings.Builder
		for range rng.IntN(8) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return sb.String()
	}
	for range 200 {
		out := HistoryOutput{Resolution: str(), History: []HistoryEntry{}}
		for range rng.IntN(4) {
			out.History = append(out.History, HistoryEntry{ID: str(), ModelID: str(), NetPortfolio: str(), CreatedAt: str(),
				UpdatedAt: str(), Model: HistoryModel{Name: str(), Variant: arena.Variant(str()), OpenRouterModelName: str(),
					Kind: arena.ModelKind(str())}})
		}
		want, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := out.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	}
}
