package chat

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// AccountSummary is one account in the overview and the comparison.
type AccountSummary struct {
	ID             string     `json:"id" db:"id"`
	Name           string     `json:"name" db:"name"`
	Variant        string     `json:"variant" db:"variant"`
	Kind           string     `json:"kind" db:"kind"`
	RunStatus      string     `json:"runStatus" db:"run_status"`
	Equity         *float64   `json:"equity" db:"equity"`
	EquityAt       *time.Time `json:"equityAt" db:"equity_at"`
	ReturnPct      *float64   `json:"returnPct" db:"return_pct"`
	Trades         int        `json:"trades" db:"trades"`
	WinRatePct     *float64   `json:"winRatePct" db:"win_rate"`
	NetPnl         float64    `json:"netPnl" db:"net_pnl"`
	Fees           float64    `json:"fees" db:"fees"`
	Decisions      int        `json:"decisions" db:"decisions"`
	FailedDecision int        `json:"failedDecisions" db:"failed_decisions"`
	OpenPositions  int        `json:"openPositions" db:"open_positions"`
}

const summarySQL = `
SELECT m.id, m.name, m.variant, m.kind, m.run_status,
       e.equity::float8 AS equity, e.at AS equity_at,
       round(((e.equity - a.initial_capital) / nullif(a.initial_capital, 0) * 100)::numeric, 4)::float8 AS return_pct,
       coalesce(t.trades, 0) AS trades,
       round((t.wins::numeric / nullif(t.trades, 0) * 100), 2)::float8 AS win_rate,
       coalesce(t.net_pnl, 0)::float8 AS net_pnl, coalesce(t.fees, 0)::float8 AS fees,
       coalesce(t.decisions, 0) AS decisions, coalesce(t.failed_decisions, 0) AS failed_decisions,
       (SELECT count(*) FROM chat.positions p WHERE p.model_id = m.id)::int AS open_positions
FROM chat.models m
LEFT JOIN LATERAL (SELECT p.equity, p.at FROM chat.portfolio p WHERE p.model_id = m.id ORDER BY p.at DESC LIMIT 1) e ON true
LEFT JOIN chat.model_totals t ON t.model_id = m.id
LEFT JOIN chat.accounts a ON a.model_id = m.id`

func (t *toolbox) overview(ctx context.Context, search string, limit int) (any, error) {
	var out []AccountSummary
	err := t.read(ctx, func(tx pgx.Tx) (err error) {
		out, err = collectJSON[AccountSummary](tx, ctx, summarySQL+` WHERE `+matchModel+`
			ORDER BY m.active DESC, e.equity DESC NULLS LAST, m.name, m.variant LIMIT $2`, likeArg(search), limit)
		return err
	})
	return map[string]any{"models": out}, err
}

// Point is one equity snapshot.
type Point struct {
	At     time.Time `json:"at" db:"at"`
	Equity float64   `json:"equity" db:"equity"`
}

// Series is one account's equity over time.
type Series struct {
	ModelID string  `json:"modelId"`
	Name    string  `json:"name"`
	Variant string  `json:"variant"`
	Points  []Point `json:"points"`
}

// maxSeries bounds the accounts one history answer covers.
const maxSeries = 12

func (t *toolbox) history(ctx context.Context, name string, limit int) (any, error) {
	var series []Series
	err := t.read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT m.id, m.name, m.variant FROM chat.models m WHERE `+matchModel+`
			ORDER BY m.active DESC, m.name, m.variant LIMIT $2`, likeArg(name), maxSeries)
		if err != nil {
			return err
		}
		series, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Series, error) {
			var s Series
			return s, r.Scan(&s.ModelID, &s.Name, &s.Variant)
		})
		if err != nil {
			return err
		}
		for i := range series {
			series[i].Points, err = collectJSON[Point](tx, ctx, `SELECT at, equity::float8 AS equity FROM (
				SELECT at, equity FROM chat.portfolio WHERE model_id = $1 ORDER BY at DESC LIMIT $2) x ORDER BY at`,
				series[i].ModelID, limit)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if series == nil {
		series = []Series{}
	}
	return map[string]any{"series": series}, err
}

// Holding is what an open position and a closed trade share: whose, which
// market, which way, how much, at what leverage and entry.
type Holding struct {
	Model      string   `json:"model" db:"model"`
	Variant    string   `json:"variant" db:"variant"`
	Symbol     string   `json:"symbol" db:"symbol"`
	Side       string   `json:"side" db:"side"`
	Quantity   float64  `json:"quantity" db:"quantity"`
	Leverage   *float64 `json:"leverage" db:"leverage"`
	EntryPrice float64  `json:"entryPrice" db:"entry_price"`
}

// Position is an open position.
type Position struct {
	Holding
	StopPrice   *float64  `json:"stopPrice" db:"stop_price"`
	TargetPrice *float64  `json:"targetPrice" db:"target_price"`
	OpenedAt    time.Time `json:"openedAt" db:"opened_at"`
}

func (t *toolbox) positions(ctx context.Context, name string) (any, error) {
	var out []Position
	err := t.read(ctx, func(tx pgx.Tx) (err error) {
		out, err = collectJSON[Position](tx, ctx, `
			SELECT m.name AS model, m.variant, p.symbol, p.side, p.quantity::float8 AS quantity, p.leverage::float8 AS leverage,
			       p.entry_price::float8 AS entry_price, p.stop_price::float8 AS stop_price,
			       p.target_price::float8 AS target_price, p.opened_at
			FROM chat.positions p JOIN chat.models m ON m.id = p.model_id
			WHERE `+matchModel+` ORDER BY m.name, m.variant, p.symbol LIMIT 200`, likeArg(name))
		return err
	})
	return map[string]any{"positions": out}, err
}

// Trade is a closed trade.
type Trade struct {
	Holding
	ExitPrice    *float64  `json:"exitPrice" db:"exit_price"`
	NetPnl       float64   `json:"netPnl" db:"net_pnl"`
	CloseTrigger *string   `json:"closeTrigger" db:"close_trigger"`
	OpenedAt     time.Time `json:"openedAt" db:"opened_at"`
	ClosedAt     time.Time `json:"closedAt" db:"closed_at"`
}

func (t *toolbox) trades(ctx context.Context, names []string, limit int) (any, error) {
	out := []Trade{}
	err := t.read(ctx, func(tx pgx.Tx) error {
		for _, name := range names {
			ts, err := recentTrades(ctx, tx, name, limit)
			if err != nil {
				return err
			}
			out = append(out, ts...)
		}
		return nil
	})
	return map[string]any{"trades": out}, err
}

func recentTrades(ctx context.Context, tx pgx.Tx, name string, limit int) ([]Trade, error) {
	return collectJSON[Trade](tx, ctx, `
		SELECT m.name AS model, m.variant, x.symbol, x.side, x.quantity::float8 AS quantity, x.leverage::float8 AS leverage,
		       x.entry_price::float8 AS entry_price, x.exit_price::float8 AS exit_price, x.net_pnl::float8 AS net_pnl,
		       x.close_trigger, x.opened_at, x.closed_at
		FROM chat.trades x JOIN chat.models m ON m.id = x.model_id
		WHERE `+matchModel+` AND x.close_trigger IS DISTINCT FROM 'RESET' AND x.closed_at IS NOT NULL
		ORDER BY x.closed_at DESC LIMIT $2`, likeArg(name), limit)
}

func (t *toolbox) compare(ctx context.Context, names []string, withTrades bool) (any, error) {
	if len(names) == 0 {
		names = []string{""}
	}
	if len(names) > 10 {
		names = names[:10]
	}
	accounts := []AccountSummary{}
	trades := []Trade{}
	seen := map[string]bool{}
	err := t.read(ctx, func(tx pgx.Tx) error {
		for _, name := range names {
			got, err := collectJSON[AccountSummary](tx, ctx, summarySQL+` WHERE `+matchModel+`
				ORDER BY e.equity DESC NULLS LAST LIMIT 25`, likeArg(name))
			if err != nil {
				return err
			}
			for _, a := range got {
				if !seen[a.ID] && len(accounts) < 25 {
					seen[a.ID] = true
					accounts = append(accounts, a)
				}
			}
			if withTrades && name != "" {
				ts, err := recentTrades(ctx, tx, name, 5)
				if err != nil {
					return err
				}
				trades = append(trades, ts...)
			}
		}
		return nil
	})
	out := map[string]any{"models": accounts}
	if withTrades {
		out["recentTrades"] = trades
	}
	return out, err
}
