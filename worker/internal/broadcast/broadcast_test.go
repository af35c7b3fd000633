package broadcast_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/shared/views"
	"github.com/autonome-go/autonome/worker/internal/broadcast"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
	"github.com/autonome-go/autonome/worker/internal/simulator"
)

// A trade the simulator closes is announced on the trades channel in the
// API's shape, and the positions channel's state follows the ledger.
func TestTradesAndPositionsArePublished(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	ctx := testenv.Context(t, 60*time.Second)
	if _, err := postgres.Seed(ctx, pool, arena.DefaultRoster()[:2], arena.FixedInt(10_000)); err != nil {
		t.Fatal(err)
	}
	var model string
	if err := pool.QueryRow(ctx, `SELECT "id" FROM "Models" ORDER BY "id" LIMIT 1`).Scan(&model); err != nil {
		t.Fatal(err)
	}
	events := redis.NewEventLog(rdb, redis.EventLogOptions{Prefix: prefix})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	changes := broadcast.NewChanges()
	cfg := exchange.DefaultConfig()
	cfg.TakerLatency, cfg.StaleAfter = 0, 0
	sim, err := simulator.Open(ctx, pool, simulator.Options{Exchange: cfg, Log: quiet, OnPersisted: []func(arena.Batch){changes.OnPersisted}})
	if err != nil {
		t.Fatal(err)
	}
	bc := broadcast.New(postgres.NewReader(pool), sim, events, changes, time.Hour, quiet)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go sim.Run(runCtx)
	go bc.Run(runCtx)
	feed, _ := synthetic.New(synthetic.Config{Seed: 5, Fast: true, Ticks: 20, Start: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)})
	if err := feed.Run(ctx, sim); err != nil {
		t.Fatal(err)
	}

	req := arena.OrderRequest{AccountID: model, OrderID: "open-1", Symbol: "ETH", Side: arena.Long, Type: arena.OrderMarket, Quantity: arena.MustFixed("0.5")}
	if _, err := sim.PlaceOrder(ctx, req); err != nil {
		t.Fatal(err)
	}
	waitState(t, ctx, events, arena.ChannelPositions, func(raw json.RawMessage) bool {
		var ps []views.AccountPositions
		_ = json.Unmarshal(raw, &ps)
		for _, a := range ps {
			if a.ModelID == model && len(a.Positions) == 1 && a.Positions[0].Symbol == "ETH" && a.Positions[0].UnrealizedPnl != nil {
				return true
			}
		}
		return false
	})
	if _, err := sim.ClosePosition(ctx, model, "close-1", "ETH"); err != nil {
		t.Fatal(err)
	}
	waitState(t, ctx, events, arena.ChannelTrades, func(raw json.RawMessage) bool {
		var ts []views.TradeItem
		_ = json.Unmarshal(raw, &ts)
		return len(ts) == 1 && strings.HasPrefix(ts[0].ID, model+":open-1#") && ts[0].Side == "long" && ts[0].Quantity == arena.MustFixed("0.5")
	})
	evs, _, err := events.Since(ctx, arena.ChannelTrades, arena.EventIDZero, 10)
	if err != nil || len(evs) == 0 {
		t.Fatalf("no trade event: %v", err)
	}
	var fresh []views.TradeItem
	if err := json.Unmarshal(evs[len(evs)-1].Data, &fresh); err != nil || len(fresh) != 1 || fresh[0].ModelID != model {
		t.Fatalf("trade event %s: %v", evs[len(evs)-1].Data, err)
	}
}

func waitState(t *testing.T, ctx context.Context, events *redis.EventLog, ch arena.Channel, ok func(json.RawMessage) bool) {
	t.Helper()
	testenv.WaitFor(t, 10*time.Second, func() error {
		raw, _, err := events.State(ctx, ch)
		if err != nil || !ok(raw) {
			return fmt.Errorf("%s state never matched; last %s (err %v)", ch, raw, err)
		}
		return nil
	})
}
