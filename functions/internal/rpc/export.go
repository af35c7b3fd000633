package rpc

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/autonome-go/autonome/shared/arena"
)

// ResultRow is one entrant's result in one run of a season: what
// /api/export/results.{csv,json} lists for people who analyse elsewhere.
// The live arena is the season "live" with one run, "live". Figures are the
// leaderboard's over the window; lo/hi are its 95% intervals (null/empty
// where undefined).
type ResultRow struct {
	SeasonID        string          `json:"seasonId"`
	Run             string          `json:"run"`
	Window          string          `json:"window"`
	ModelID         string          `json:"modelId"`
	ModelName       string          `json:"modelName"`
	Variant         arena.Variant   `json:"variant"`
	Kind            arena.ModelKind `json:"kind"`
	Rank            int             `json:"rank"`
	Immature        bool            `json:"immature"`
	Trades          int             `json:"trades"`
	RecordDays      float64         `json:"recordDays"`
	StartValue      arena.Fixed     `json:"startValue"`
	EndValue        arena.Fixed     `json:"endValue"`
	PnlAbsolute     arena.Fixed     `json:"pnlAbsolute"`
	LLMCostUsd      arena.Fixed     `json:"llmCostUsd"`
	PnlPercent      float64         `json:"pnlPercent"`
	PnlPercentLo    *float64        `json:"pnlPercentLo"`
	PnlPercentHi    *float64        `json:"pnlPercentHi"`
	PnlNetPercent   float64         `json:"pnlNetPercent"`
	PnlNetPercentLo *float64        `json:"pnlNetPercentLo"`
	PnlNetPercentHi *float64        `json:"pnlNetPercentHi"`
	Sharpe          *float64        `json:"sharpe"`
	SharpeLo        *float64        `json:"sharpeLo"`
	SharpeHi        *float64        `json:"sharpeHi"`
	Sortino         *float64        `json:"sortino"`
	SortinoLo       *float64        `json:"sortinoLo"`
	SortinoHi       *float64        `json:"sortinoHi"`
	MaxDrawdown     float64         `json:"maxDrawdown"`
	MaxDrawdownLo   *float64        `json:"maxDrawdownLo"`
	MaxDrawdownHi   *float64        `json:"maxDrawdownHi"`
}

// Results is the JSON export.
type Results struct {
	SeasonID  string         `json:"seasonId"`
	Window    string         `json:"window"`
	Intervals IntervalMethod `json:"intervals"`
	Rows      []ResultRow    `json:"rows"`
}

// results reads a season's rows: the live arena's (season "live", one run
// "live", over a window) or a stored season's (its run, then each repeat).
func (a *api) results(r *http.Request) (Results, error) {
	q := r.URL.Query()
	season, window := cmp.Or(q.Get("seasonId"), LiveSeason), cmp.Or(q.Get("window"), "7d")
	if err := issues(checkEnum("window", window, "24h", "7d", "30d")); err != nil {
		return Results{}, err
	}
	if season != LiveSeason {
		return a.seasonResults(r.Context(), season)
	}
	lb, err := a.getLeaderboard(r.Context(), LeaderboardInput{Window: window})
	if err != nil {
		return Results{}, err
	}
	out := Results{SeasonID: season, Window: window, Intervals: lb.Intervals, Rows: make([]ResultRow, len(lb.Entries))}
	for i, e := range lb.Entries {
		out.Rows[i] = resultRow(season, LiveSeason, window, e)
	}
	return out, nil
}

// seasonResults lists a stored season's entrants in its own run (run =
// the season's id) and in each of its repeats (run = the repeat's id).
func (a *api) seasonResults(ctx context.Context, id string) (Results, error) {
	reps, err := a.repeatsOf(ctx, id, "")
	if err != nil {
		return Results{}, err
	}
	out := Results{SeasonID: id, Window: "season", Intervals: a.intervalMethod(seasonPeriod), Rows: []ResultRow{}}
	for _, run := range append([]string{id}, seasonIDs(reps)...) {
		sr, err := a.loadSeasonRun(ctx, run, nil)
		if err != nil {
			return Results{}, err
		}
		for _, e := range sr.entrants {
			entry := sr.entry(a.bootstrapFor(run+"\x00"+e.EntrantID), a.opts.MinRecord, e)
			out.Rows = append(out.Rows, resultRow(id, run, "season", entry))
		}
	}
	return out, nil
}

func seasonIDs(rows []arena.SeasonRecord) []string {
	out := make([]string, len(rows))
	for i, s := range rows {
		out[i] = s.ID
	}
	return out
}

func resultRow(season, run, window string, e LeaderboardEntry) ResultRow {
	row := ResultRow{SeasonID: season, Run: run, Window: window, ModelID: e.ModelID, ModelName: e.ModelName,
		Variant: e.Variant, Kind: e.Kind, Rank: e.Rank, Immature: e.Immature, Trades: e.Trades, RecordDays: e.RecordDays,
		StartValue: e.StartValue, EndValue: e.EndValue, PnlAbsolute: e.PnlAbsolute, LLMCostUsd: e.LLMCostUsd,
		PnlPercent: e.PnlPercent, PnlNetPercent: e.PnlNetPercent, Sharpe: e.Sharpe, Sortino: e.Sortino, MaxDrawdown: e.MaxDrawdown}
	if iv := e.Intervals; iv != nil {
		row.PnlPercentLo, row.PnlPercentHi = ends(iv.PnlPercent)
		row.PnlNetPercentLo, row.PnlNetPercentHi = ends(iv.PnlNetPercent)
		row.SharpeLo, row.SharpeHi = ends(iv.Sharpe)
		row.SortinoLo, row.SortinoHi = ends(iv.Sortino)
		row.MaxDrawdownLo, row.MaxDrawdownHi = ends(iv.MaxDrawdown)
	}
	return row
}

func ends(iv *Interval) (lo, hi *float64) {
	if iv == nil {
		return nil, nil
	}
	return &iv.Lo, &iv.Hi
}

// export serves GET /api/export/results.csv and results.json
// (?seasonId=live&window=7d).
func (a *api) export(w http.ResponseWriter, r *http.Request) {
	format := r.PathValue("file")
	if format != "results.csv" && format != "results.json" {
		writeErr(w, arena.Errorf(arena.CodeNotFound, "no export %q: results.csv or results.json", format))
		return
	}
	res, err := a.results(r)
	if err != nil {
		if toWire(err).Status >= 500 {
			a.opts.Log.Error("export failed", "err", err)
		}
		writeErr(w, err)
		return
	}
	name := "autonome-" + res.SeasonID + "-" + res.Window + "-results"
	w.Header().Set("Cache-Control", "no-store")
	if format == "results.json" {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		_ = json.NewEncoder(w).Encode(res)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	_ = writeCSV(w, res.Rows)
}

// writeCSV writes rows with a header named like the JSON fields; null
// figures are empty cells, numbers in their JSON form.
func writeCSV(w http.ResponseWriter, rows []ResultRow) error {
	cw := csv.NewWriter(w)
	var header []string
	for _, row := range rows {
		fields, values := flatten(row)
		if header == nil {
			header = fields
			if err := cw.Write(header); err != nil {
				return err
			}
		}
		if err := cw.Write(values); err != nil {
			return err
		}
	}
	if header == nil {
		fields, _ := flatten(ResultRow{})
		_ = cw.Write(fields)
	}
	cw.Flush()
	return cw.Error()
}

// flatten lists a row's JSON fields and their values as CSV cells, in the
// struct's order (through its JSON form, so both exports agree).
func flatten(row ResultRow) (fields, values []string) {
	b, _ := json.Marshal(row)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_, _ = dec.Token() // {
	for dec.More() {
		k, _ := dec.Token()
		v, _ := dec.Token()
		fields = append(fields, k.(string))
		switch v := v.(type) {
		case nil:
			values = append(values, "")
		case bool:
			values = append(values, strconv.FormatBool(v))
		case json.Number:
			values = append(values, v.String())
		case string:
			values = append(values, v)
		}
	}
	return fields, values
}
