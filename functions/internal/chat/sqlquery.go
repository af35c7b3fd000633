package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SQLLimits bound one model-written query.
type SQLLimits struct {
	Timeout  time.Duration // statement_timeout, and the deadline of the whole call
	MaxRows  int           // rows returned; more are reported as truncated
	MaxBytes int           // bytes of JSON rows returned; more are reported as truncated
	MaxText  int           // longest SQL text accepted
}

func (l *SQLLimits) defaults() {
	if l.Timeout <= 0 {
		l.Timeout = 3 * time.Second
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 200
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = 64 << 10
	}
	if l.MaxText <= 0 {
		l.MaxText = 8 << 10
	}
}

// SQLResult is what a query returned, as the model and the page see it.
type SQLResult struct {
	Question   string           `json:"question,omitempty"`
	SQL        string           `json:"sql"`
	Columns    []string         `json:"columns"`
	Rows       []map[string]any `json:"rows"`
	RowCount   int              `json:"rowCount"`
	Truncated  bool             `json:"truncated"`
	DurationMs int64            `json:"durationMs"`
	Warnings   []string         `json:"warnings"`
}

// Refusal is a query the co-pilot will not run or the database refused:
// its message is meant for the model and the user (it names the rule, never
// an internal failure).
type Refusal struct{ Msg string }

func (r *Refusal) Error() string { return r.Msg }

// sqlRunner runs model-written SQL as the read-only role autonome_chat
// through chat.query (schema/migrations/00140_chat_readonly.sql), in a READ
// ONLY transaction with a statement_timeout, on a connection of its own that
// is closed afterwards, so nothing a query leaves on its session (advisory
// locks, settings) outlives it.
// At most maxConcurrentSQL such connections are open at once per process:
// taken out of the pool, they no longer count against its size.
type sqlRunner struct {
	pool   *pgxpool.Pool
	limits SQLLimits
	slots  chan struct{}
}

const maxConcurrentSQL = 4

func newSQLRunner(pool *pgxpool.Pool, l SQLLimits) *sqlRunner {
	return &sqlRunner{pool: pool, limits: l, slots: make(chan struct{}, maxConcurrentSQL)}
}

func (s *sqlRunner) run(ctx context.Context, query string) (*SQLResult, error) {
	query = strings.TrimSpace(query)
	query = strings.TrimSpace(strings.TrimRight(query, "; \t\r\n"))
	switch {
	case query == "":
		return nil, &Refusal{"refused: the SQL is empty"}
	case len(query) > s.limits.MaxText:
		return nil, &Refusal{fmt.Sprintf("refused: the SQL is longer than %d bytes", s.limits.MaxText)}
	case strings.ContainsRune(query, 0):
		return nil, &Refusal{"refused: the SQL contains a NUL character"}
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.limits.Timeout+time.Second)
	defer cancel()
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-ctx.Done():
		return nil, &Refusal{"stopped: too many queries are running; try again"}
	}
	res, err := s.exec(ctx, query)
	if err != nil {
		return nil, explain(err, s.limits.Timeout)
	}
	res.SQL, res.DurationMs = query, time.Since(start).Milliseconds()
	return res, nil
}

func (s *sqlRunner) exec(ctx context.Context, query string) (*SQLResult, error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquire connection: %w", err)
	}
	conn := pc.Hijack() // never returned to the pool
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	ms := s.limits.Timeout.Milliseconds()
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d; SET LOCAL idle_in_transaction_session_timeout = %d", ms, ms, ms+1000)); err != nil {
		return nil, fmt.Errorf("set limits: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT "row", "stop" FROM chat.query($1, $2, $3)`, query, s.limits.MaxRows, s.limits.MaxBytes)
	if err != nil {
		return nil, err
	}
	return collect(rows, s.limits)
}

// collect decodes chat.query's JSON rows, keeping the first row's column
// order.
func collect(rows pgx.Rows, l SQLLimits) (*SQLResult, error) {
	defer rows.Close()
	res := &SQLResult{Rows: []map[string]any{}, Columns: []string{}, Warnings: []string{}}
	for rows.Next() {
		var row, stop *string
		if err := rows.Scan(&row, &stop); err != nil {
			return nil, err
		}
		if stop != nil {
			res.Truncated = true
			res.Warnings = append(res.Warnings, truncation(*stop, l))
			continue
		}
		m, cols, err := decodeRow(*row)
		if err != nil {
			return nil, err
		}
		if len(res.Rows) == 0 {
			res.Columns = cols
		}
		res.Rows = append(res.Rows, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	res.RowCount = len(res.Rows)
	return res, nil
}

func truncation(stop string, l SQLLimits) string {
	if stop == "bytes" {
		return fmt.Sprintf("result cut at %d bytes; select fewer columns or aggregate", l.MaxBytes)
	}
	return fmt.Sprintf("result cut at %d rows; add a LIMIT or aggregate", l.MaxRows)
}

func decodeRow(s string) (map[string]any, []string, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // {
		return nil, nil, fmt.Errorf("decode row: %w", err)
	}
	m := map[string]any{}
	var cols []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("decode row: %w", err)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("decode row: %w", err)
		}
		key, _ := k.(string)
		if _, dup := m[key]; !dup {
			cols = append(cols, key)
		}
		m[key] = v
	}
	return m, cols, nil
}

// explain turns a database error into a refusal the model can act on.
// Errors that are not about the query itself stay internal.
func explain(err error, timeout time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &Refusal{fmt.Sprintf("stopped: the query ran longer than %s", timeout)}
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch {
	case pe.Code == "57014": // query_canceled (statement_timeout)
		return &Refusal{fmt.Sprintf("stopped: the query ran longer than %s", timeout)}
	case pe.Code == "42501": // insufficient_privilege
		return &Refusal{"refused: the co-pilot may read only the views of schema chat (" + pe.Message + ")"}
	case strings.HasPrefix(pe.Code, "25"): // read_only_sql_transaction, transaction state
		return &Refusal{"refused: queries are read-only (" + pe.Message + ")"}
	case pe.Code == "42P01", pe.Code == "42883", pe.Code == "42703", pe.Code == "3F000": // undefined table, function, column, schema
		return &Refusal{"refused: " + pe.Message + " (only the views of schema chat can be read)"}
	case pe.Code == "42601" || pe.Code == "42P11" || pe.Code == "0A000" || pe.Code == "22023": // syntax, cursor, unsupported, invalid parameter
		return &Refusal{"refused: only one SELECT statement can run (" + pe.Message + ")"}
	case pe.Code == "54000" || strings.HasPrefix(pe.Code, "53"): // program limit, resources
		return &Refusal{"stopped: the query needs more resources than allowed (" + pe.Message + ")"}
	case strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "42") || pe.Code == "P0001" || pe.Code == "55P03":
		return &Refusal{"the query failed: " + pe.Message}
	}
	return err
}
