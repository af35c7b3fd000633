package season

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
)

// Import stores the bundle at path in "Seasons" (its manifest,
// configuration and recorded leaderboard) for the API and dashboards. A
// bundle whose checksums fail is refused; with verify set it is replayed
// first and the row says whether the replay reproduced its result hash.
func Import(ctx context.Context, pool *pgxpool.Pool, path string, verify bool) (postgres.SeasonRow, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return postgres.SeasonRow{}, fmt.Errorf("season import: %w", err)
	}
	b, err := Read(bytes.NewReader(raw))
	if err != nil {
		return postgres.SeasonRow{}, err
	}
	row, err := seasonRow(b, raw)
	if err != nil {
		return row, err
	}
	if verify {
		row.VerifiedAt = time.Now().UTC()
		if _, err := Verify(ctx, b, 0); err != nil {
			row.VerifyError, _ = arena.Excerpt(err.Error(), 4096)
		} else {
			row.Verified = true
		}
	}
	return row, postgres.ImportSeason(ctx, pool, row)
}

func seasonRow(b *Bundle, raw []byte) (postgres.SeasonRow, error) {
	m := b.Manifest
	man, err := json.Marshal(m)
	if err != nil {
		return postgres.SeasonRow{}, err
	}
	var res Result
	if err := json.Unmarshal(b.Files[ResultFile], &res); err != nil {
		return postgres.SeasonRow{}, fmt.Errorf("season import: bad %s: %w", ResultFile, err)
	}
	board, err := json.Marshal(res.Leaderboard)
	if err != nil {
		return postgres.SeasonRow{}, err
	}
	sum := sha256.Sum256(raw)
	row := postgres.SeasonRow{ID: m.ID, Start: m.Start, End: m.End, Entrants: m.Entrants, ResultHash: m.ResultHash,
		BundleSHA256: hex.EncodeToString(sum[:]), BundleBytes: int64(len(raw)), Manifest: man,
		Config: json.RawMessage(b.Files[ConfigFile]), Leaderboard: board}
	if p := m.Parent; p != nil {
		row.ParentID, row.ParentResultHash, row.Swap = p.ID, p.ResultHash, p.Swap
	}
	return row, nil
}
