package chat

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// budget is the daily token allowance of the co-pilot, counted in
// "ChatUsage" so every API instance (every Lambda execution environment)
// shares it. A day is a UTC day.
type budget struct {
	pool  *pgxpool.Pool
	limit int64 // 0: no budget
	now   func() time.Time
	log   *slog.Logger
}

func (b *budget) day() string { return b.now().UTC().Format(time.DateOnly) }

// open counts a request and reports whether today's budget has room.
func (b *budget) open(ctx context.Context) (bool, error) {
	var tokens int64
	err := b.pool.QueryRow(ctx, `
		INSERT INTO "ChatUsage" ("day", "requests") VALUES ($1::date, 1)
		ON CONFLICT ("day") DO UPDATE SET "requests" = "ChatUsage"."requests" + 1
		RETURNING "tokens"`, b.day()).Scan(&tokens)
	if err != nil {
		return false, err
	}
	return b.limit <= 0 || tokens < b.limit, nil
}

// add counts tokens a model call used. A failure to count is logged: the
// answer it belongs to is already paid for.
func (b *budget) add(ctx context.Context, tokens int) {
	if tokens <= 0 {
		return
	}
	_, err := b.pool.Exec(ctx, `
		INSERT INTO "ChatUsage" ("day", "tokens") VALUES ($1::date, $2)
		ON CONFLICT ("day") DO UPDATE SET "tokens" = "ChatUsage"."tokens" + $2`, b.day(), tokens)
	if err != nil {
		b.log.Warn("chat: count tokens", "err", err)
	}
}
