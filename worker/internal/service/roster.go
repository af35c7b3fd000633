package service

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/llm"
)

// lineupOptions are the line-up settings of cfg and roster r.
func lineupOptions(cfg config.Worker, r llm.Roster, log *slog.Logger) llm.Options {
	return llm.Options{Getenv: providerEnv(cfg), Logger: log.With("part", "llm"), BaselineSeed: uint64(cfg.SimSeed),
		Providers: r.Providers, Models: r.Models, MaxResponseBytes: cfg.LLMMaxResponse}
}

// Reconcile loads the roster (ROSTER_FILE, or the default line-up) and
// makes "Models" follow it: new seats created with their accounts, dropped
// ones deactivated, never deleted.
func Reconcile(ctx context.Context, cfg config.Worker, pool *pgxpool.Pool, log *slog.Logger) (llm.Roster, error) {
	r, err := llm.LoadRoster(cfg.RosterFile)
	if err != nil {
		return r, err
	}
	res, err := postgres.ReconcileRoster(ctx, pool, r.Entries, cfg.SimInitialCapital)
	if err != nil {
		return r, err
	}
	log.Info("roster reconciled", "file", r.Source, "seats", len(r.Entries), "created", res.Created, "updated", res.Updated,
		"deactivated", res.Deactivated)
	statuses, err := llm.Statuses(r.Entries, lineupOptions(cfg, r, log))
	if err != nil {
		return r, err
	}
	runs := make([]postgres.SeatRun, len(statuses))
	for i, s := range statuses {
		runs[i] = postgres.SeatRun{Name: s.Entry.Name, Variant: s.Entry.Variant, Status: arena.RunActive}
		if !s.Runs {
			runs[i].Status, runs[i].Hint = arena.RunNoKey, enableHint(s)
		}
	}
	return r, postgres.SetRunStatuses(ctx, pool, runs)
}

// enableHint says how to let a seat without a key run.
func enableHint(s llm.SeatStatus) string {
	return "no API key: set " + s.KeyEnv + " in the worker's environment and restart it"
}

// Seat statuses as `worker models` prints them.
const (
	seatActive      = "active"
	seatNoKey       = "no key"
	seatDeactivated = "deactivated"
)

// PrintModels writes every seat of the roster and of "Models" with its
// status: active (it trades), no key (set the variable shown to enable it)
// or deactivated (no longer in the roster; its history is kept).
func PrintModels(ctx context.Context, cfg config.Worker, pool *pgxpool.Pool, w io.Writer) error {
	r, err := llm.LoadRoster(cfg.RosterFile)
	if err != nil {
		return err
	}
	statuses, err := llm.Statuses(r.Entries, lineupOptions(cfg, r, slog.New(slog.DiscardHandler)))
	if err != nil {
		return err
	}
	rows, err := postgres.NewAgents(pool).AgentModels(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "roster: %s\n", r.Source)
	fmt.Fprintln(tw, "NAME\tVARIANT\tPROVIDER\tMODEL\tSTATUS\tENDPOINT / TO ENABLE")
	listed := map[string]bool{}
	for _, s := range statuses {
		e := s.Entry
		listed[e.Name+"/"+string(e.Variant)] = true
		status, note := seatActive, s.BaseURL
		if !s.Runs {
			status, note = seatNoKey, enableHint(s)+" (endpoint "+s.BaseURL+")"
		}
		if e.Provider == arena.ProviderBaseline {
			note = "built-in rule"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, e.Variant, e.Provider, e.ProviderModel, status, note)
	}
	for _, m := range rows {
		if !listed[m.Name+"/"+string(m.Variant)] {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.Name, m.Variant, m.Provider, m.ProviderModel, seatDeactivated,
				"not in the roster; add it back to trade again (its history is kept)")
		}
	}
	return tw.Flush()
}

// providerEnv hands the model providers their settings from the worker's
// validated configuration; variables only a roster file names (its
// providers' and models' keyEnv) come from the environment.
func providerEnv(cfg config.Worker) func(string) string {
	vals := map[string]string{
		"NIM_API_KEY": cfg.NIMAPIKey, "NIM_API_KEY1": cfg.NIMAPIKey1, "NIM_API_KEY2": cfg.NIMAPIKey2, "NIM_API_KEY3": cfg.NIMAPIKey3,
		"NIM_BASE_URL": cfg.NIMBaseURL, "OPENROUTER_API_KEY": cfg.OpenRouterAPIKey, "OPENROUTER_BASE_URL": cfg.OpenRouterBaseURL,
	}
	return func(k string) string {
		if v, ok := vals[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
}
