package season

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
)

// An imported bundle is listed and served with its manifest, leaderboard
// and verification; a damaged one is refused.
func TestImport(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	srv := llmtest.NewServerBodyFunc(t, trader)
	_, res, raw := recordShort(t, srv)
	path := filepath.Join(t.TempDir(), "short.tar.zst")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	row, err := Import(ctx, pool, path, true)
	if err != nil {
		t.Fatal(err)
	}
	if !row.Verified || row.ResultHash != res.Hash {
		t.Fatalf("imported %+v", row)
	}
	list, err := postgres.Seasons(ctx, pool)
	if err != nil || len(list) != 1 || list[0].ID != "short" || list[0].Entrants != 5 || list[0].VerifiedAt.IsZero() {
		t.Fatalf("seasons: %v %+v", err, list)
	}
	got, err := postgres.Season(ctx, pool, "short")
	if err != nil || string(got.Leaderboard) == "" || got.BundleBytes != int64(len(raw)) {
		t.Fatalf("season: %v %+v", err, got)
	}
	if _, err := postgres.Season(ctx, pool, "nope"); arena.ErrorCode(err) != arena.CodeNotFound {
		t.Errorf("unknown season: %v", err)
	}
	bad := append([]byte(nil), raw...)
	bad[len(bad)/2] ^= 1
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, pool, path, false); err == nil {
		t.Error("a damaged bundle was imported")
	}
}
