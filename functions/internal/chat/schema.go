package chat

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// viewSchema describes the views of schema chat from the database itself
// (columns, types and the migration's comments), so the model is always
// given the schema it can query. It is read once and kept.
type viewSchema struct {
	pool *pgxpool.Pool
	mu   sync.Mutex
	text string
}

func (v *viewSchema) describe(ctx context.Context) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.text != "" {
		return v.text, nil
	}
	var b strings.Builder
	rows, err := v.pool.Query(ctx, `
		SELECT c.relname, coalesce(obj_description(c.oid, 'pg_class'), ''),
		       string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE n.nspname = 'chat' AND c.relkind = 'v'
		GROUP BY c.oid, c.relname ORDER BY c.relname`)
	if err != nil {
		return "", fmt.Errorf("describe chat views: %w", err)
	}
	var name, comment, cols string
	_, err = pgx.ForEachRow(rows, []any{&name, &comment, &cols}, func() error {
		fmt.Fprintf(&b, "- chat.%s(%s)\n  %s\n", name, cols, comment)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("describe chat views: %w", err)
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("describe chat views: schema chat has no views (migrations not applied?)")
	}
	v.text = b.String()
	return v.text, nil
}
