package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The co-pilot's tools: the reference's five fixed reads plus the SQL tool.
// The fixed reads are this package's own queries over the views of schema
// chat, each in a READ ONLY transaction with a statement_timeout.

const (
	toolOverview  = "getModelsOverview"
	toolHistory   = "getPortfolioHistory"
	toolPositions = "getOpenPositionsTool" // the reference's tool names, so its page sees the same part types
	toolTrades    = "getRecentTradesTool"
	toolCompare   = "compareModelsPerformance"
	toolSQL       = "queryPortfolioSql"
)

var toolDefs = []wireTool{
	def(toolOverview, "List trading accounts (model × variant) with equity, return since start, trades, win rate, net PnL and open positions, best first.",
		`{"type":"object","properties":{"search":{"type":"string","description":"part of a model name, variant or provider model id"},"limit":{"type":"integer","minimum":1,"maximum":25,"default":10}}}`),
	def(toolHistory, "Equity over time (a time series) of the accounts matching modelName (all when omitted), oldest first.",
		`{"type":"object","properties":{"modelName":{"type":"string","description":"model name, name/variant, or part of it"},"limit":{"type":"integer","minimum":1,"maximum":200,"default":60,"description":"latest points per account"}}}`),
	def(toolPositions, "Open positions (symbol, side, size, leverage, entry, stop and target) of the accounts matching modelName (all when omitted).",
		`{"type":"object","properties":{"modelName":{"type":"string"}}}`),
	def(toolTrades, "Most recent closed trades, newest first, of the accounts matching modelName (all when omitted).",
		`{"type":"object","properties":{"modelName":{"type":"string"},"limit":{"type":"integer","minimum":1,"maximum":100,"default":25}}}`),
	def(toolCompare, "Compare accounts side by side: equity, return, trades, win rate, net PnL, fees, decisions and failures; optionally their latest trades.",
		`{"type":"object","properties":{"modelNames":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":10},"includeRecentTrades":{"type":"boolean","default":false}}}`),
	def(toolSQL, "Answer a question the other tools cannot with one read-only PostgreSQL SELECT over the views of schema chat (described in your instructions). Results are capped in rows, bytes and time.",
		`{"type":"object","properties":{"question":{"type":"string","description":"the question the SQL answers"},"sql":{"type":"string","description":"one SELECT (or WITH … SELECT) statement over the chat views"}},"required":["question","sql"]}`),
}

func def(name, desc, params string) wireTool {
	return wireTool{Type: "function", Function: wireFunction{Name: name, Description: desc, Parameters: json.RawMessage(params)}}
}

// toolbox runs the tools against the database.
type toolbox struct {
	pool    *pgxpool.Pool
	sql     *sqlRunner
	timeout time.Duration
}

// call runs one tool. A *Refusal error is the tool's answer (shown to the
// model and the user); any other error is internal.
func (t *toolbox) call(ctx context.Context, name string, args json.RawMessage) (any, error) {
	if len(args) == 0 || string(args) == "null" {
		args = json.RawMessage(`{}`)
	}
	var in struct {
		Search              string   `json:"search"`
		ModelName           string   `json:"modelName"`
		ModelNames          []string `json:"modelNames"`
		Limit               int      `json:"limit"`
		IncludeRecentTrades bool     `json:"includeRecentTrades"`
		Question            string   `json:"question"`
		SQL                 string   `json:"sql"`
	}
	if err := json.Unmarshal(args, &in); err != nil {
		return nil, &Refusal{fmt.Sprintf("refused: the arguments of %s are not valid JSON of the declared shape", name)}
	}
	switch name {
	case toolOverview:
		return t.overview(ctx, in.Search, clamp(in.Limit, 10, 25))
	case toolHistory:
		return t.history(ctx, in.ModelName, clamp(in.Limit, 60, 200))
	case toolPositions:
		return t.positions(ctx, in.ModelName)
	case toolTrades:
		return t.trades(ctx, []string{in.ModelName}, clamp(in.Limit, 25, 100))
	case toolCompare:
		return t.compare(ctx, in.ModelNames, in.IncludeRecentTrades)
	case toolSQL:
		res, err := t.sql.run(ctx, in.SQL)
		if res != nil {
			res.Question = excerpt(in.Question, 1024)
		}
		return res, err
	}
	return nil, &Refusal{fmt.Sprintf("refused: there is no tool %q", excerpt(name, 64))}
}

func clamp(v, def, hi int) int {
	if v <= 0 {
		return def
	}
	return min(v, hi)
}

// read runs f in a READ ONLY transaction with a statement_timeout.
func (t *toolbox) read(ctx context.Context, f func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, t.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", t.timeout.Milliseconds())); err != nil {
			return err
		}
		return f(tx)
	})
}

// matchModel is the SQL condition selecting accounts by a name the model
// gave: empty matches all; else the id, or part of "name/variant" or of the
// provider model id, case-insensitively.
const matchModel = `($1::text = '' OR m.id = $1 OR (m.name || '/' || m.variant) ILIKE '%' || $1 || '%' ESCAPE '\' OR m.provider_model ILIKE '%' || $1 || '%' ESCAPE '\')`

// likeArg escapes LIKE's wildcards in a name the model gave.
func likeArg(s string) string {
	s = strings.TrimSpace(s)
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func collectJSON[T any](tx pgx.Tx, ctx context.Context, q string, args ...any) ([]T, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[T])
	if out == nil {
		out = []T{}
	}
	return out, err
}
