package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/lighter/lightertest"
	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
	"github.com/autonome-go/autonome/worker/internal/simulator"
)

const liveAccountIndex = 4242

// TestLiveModeEndToEnd boots live mode as the worker does, for one seat of
// two, against the fake venue and a real PostgreSQL: the credentials are
// sealed by `worker credentials`, the start-up summary names the seat and
// its limits, the live seat's order reaches the venue and its fill lands in
// the same tables the simulator writes while the other seat still trades
// on the simulator; a venue that disagrees degrades /health with the
// difference, and the admin kill switch cancels the seat's orders.
func TestLiveModeEndToEnd(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, time.Minute)
	roster := arena.DefaultRoster()[:2]
	if _, err := postgres.Seed(ctx, pool, roster, arena.FixedInt(10_000)); err != nil {
		t.Fatal(err)
	}
	liveSeat, simSeat := roster[0], roster[1]
	models, err := postgres.NewAgents(pool).AgentModels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	liveID, simID := seatID(t, models, liveSeat), seatID(t, models, simSeat)

	key, err := signer.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	fake := lightertest.New(t, venue.PerpsOrderBookDetail{Symbol: "BTC", MarketID: 1, SizeDecimals: 5, PriceDecimals: 1,
		MinBaseAmount: "0.00020", Status: "active"})
	fake.Register(liveAccountIndex, 3, key.Public(), 0, "1000.000000")
	fake.SetMark(1, 60000)
	cfg := liveConfig(t, fake, liveSeat.Name+"/"+string(liveSeat.Variant)+"?max_notional=400") // tighter than LIVE_MAX_NOTIONAL

	var out bytes.Buffer
	in := strings.NewReader(`{"accountIndex": 4242, "apiKeyIndex": 3, "privateKey": "` + key.Hex() + `"}`)
	if err := StoreCredentials(ctx, cfg, pool, []string{liveSeat.Name, string(liveSeat.Variant)}, in, &out); err != nil {
		t.Fatal(err)
	}
	pub := key.Public()
	if !strings.Contains(out.String(), hex.EncodeToString(pub[:])) || strings.Contains(out.String(), key.Hex()) {
		t.Fatalf("credentials output must show the public key and never the private one:\n%s", out.String())
	}

	sim := runSimulator(t, pool)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	kills := newKills()
	lives, err := startLive(ctx, cfg, pool, sim, nil, kills, log)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"LIVE TRADING on Lighter: SENDING ORDERS", liveSeat.Name + "/" + string(liveSeat.Variant),
		"max notional 400 per order, max leverage 3x, max daily loss 25", "every other seat trades on the simulator"} {
		if !strings.Contains(logs.String(), want) {
			t.Fatalf("start-up summary lacks %q:\n%s", want, logs.String())
		}
	}
	runCtx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- lives[0].Run(runCtx) }()
	defer func() { stop(); <-done }()
	for !lives[0].Status().Connected {
		time.Sleep(2 * time.Millisecond)
	}

	trader := newRouter(sim, lives)
	o, err := trader.PlaceOrder(ctx, arena.OrderRequest{AccountID: liveID, OrderID: "t1-open-BTC", Symbol: "BTC", Side: arena.Long,
		Type: arena.OrderMarket, Quantity: arena.MustFixed("0.002"), Leverage: arena.FixedInt(2)})
	if err != nil || o.Filled != arena.MustFixed("0.002") {
		t.Fatalf("live order = %+v, %v", o, err)
	}
	if _, err := trader.PlaceOrder(ctx, arena.OrderRequest{AccountID: simID, OrderID: "t1-open-BTC", Symbol: "BTC", Side: arena.Long,
		Type: arena.OrderMarket, Quantity: arena.MustFixed("0.01"), Leverage: arena.FixedInt(2)}); err != nil {
		t.Fatalf("simulated order: %v", err)
	}
	if n := len(fake.Trades()); n != 1 {
		t.Fatalf("venue trades = %d, want only the live seat's", n)
	}
	var status, filled, posQty, entry string
	var fills int
	if err := pool.QueryRow(ctx, `SELECT o."status", o."filledQty"::text, p."quantity"::text, p."entryPrice"::text,
			(SELECT count(*) FROM "LedgerEntries" e WHERE e."modelId" = o."modelId" AND e."kind" = 'FILL')
		FROM "SimOrders" o JOIN "Orders" p ON p."modelId" = o."modelId" AND p."status" = 'OPEN'
		WHERE o."modelId" = $1 AND o."id" = 't1-open-BTC'`, liveID).Scan(&status, &filled, &posQty, &entry, &fills); err != nil {
		t.Fatal(err)
	}
	if status != "FILLED" || filled != "0.00200000" || posQty != "0.00200000" || entry != "60000.00000000" || fills != 1 {
		t.Fatalf("ledger tables: order %s filled %s, position %s at %s, %d fill entries", status, filled, posQty, entry, fills)
	}
	var capital string
	if err := pool.QueryRow(ctx, `SELECT "initialCapital"::text FROM "Accounts" WHERE "modelId" = $1`, liveID).Scan(&capital); err != nil {
		t.Fatal(err)
	}
	if capital != "1000.00000000" {
		t.Fatalf("the live seat's ledger starts from %s, want the venue's equity 1000", capital)
	}

	h := newHealth()
	h.live = lives
	if rep := h.report(time.Now()); rep.Status != "ok" || len(rep.Live) != 1 {
		t.Fatalf("health = %+v", rep)
	}
	fake.SetPosition(liveAccountIndex, 1, 900)
	lives[0].ReconcileNow(ctx)
	rep := h.report(time.Now())
	if rep.Status != "degraded" || !strings.Contains(rep.Live[0].Halted, "BTC position: venue 0.009, ours 0.002") {
		t.Fatalf("health after the venue disagreed = %+v", rep)
	}
	// The shared record the API's /health reads says the same.
	if seats := h.liveHealth(); len(seats) != 1 || seats[0].State != "halted" || seats[0].Healthy ||
		!strings.Contains(seats[0].Reason, "BTC position: venue 0.009, ours 0.002") || seats[0].Model != lives[0].ModelID() {
		t.Fatalf("shared live health after the venue disagreed = %+v", seats)
	}

	ad := newAdmin("", h, log)
	ad.handleLive(cfg.AdminToken, lives, kills)
	if code := post(t, ad.mux, "", `{}`); code != http.StatusUnauthorized {
		t.Fatalf("kill without the token: %d", code)
	}
	if code := post(t, ad.mux, cfg.AdminToken, `{"model": "`+liveSeat.Name+"/"+string(liveSeat.Variant)+`", "reason": "test"}`); code != http.StatusOK {
		t.Fatalf("kill: %d", code)
	}
	if !lives[0].Status().Killed {
		t.Fatal("the kill switch is off after POST /live/kill")
	}
	// The parts restart after a database outage: the model stays killed.
	again, err := startLive(ctx, cfg, pool, sim, nil, kills, log)
	if err != nil {
		t.Fatal(err)
	}
	if !again[0].Status().Killed {
		t.Fatal("a restart of the worker's parts forgot the admin kill switch")
	}

	// The API's live.kill reaches the same switch through the commands queue.
	kill := liveKillCommand(again, kills, log)
	seat := liveSeat.Name + "/" + string(liveSeat.Variant)
	res, err := kill(ctx, commands.LiveKill{Model: seat, Reason: "from the API", RequestID: "k1"})
	if err != nil || res.Kill == nil || len(res.Kill.Models) != 1 || res.Kill.Models[0].Model != seat ||
		res.Kill.Models[0].AccountID != again[0].ModelID() || res.Kill.Models[0].Error != "" {
		t.Fatalf("live.kill = %+v, %v", res, err)
	}
	if res, _ := kill(ctx, commands.LiveKill{Model: "nobody/apex", RequestID: "k2"}); res.Failure == nil || res.Failure.Code != arena.CodeNotFound {
		t.Fatalf("live.kill of a model that does not trade live = %+v", res)
	}
	if res, _ := liveKillCommand(nil, kills, log)(ctx, commands.LiveKill{RequestID: "k3"}); res.Failure == nil || !strings.Contains(res.Failure.Message, "simulated") {
		t.Fatalf("live.kill on a simulated worker = %+v", res)
	}
}

func liveConfig(t *testing.T, fake *lightertest.Venue, seat string) config.Worker {
	t.Helper()
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return config.Worker{TradingMode: "live", LiveModels: []string{seat}, SecretsKey: base64.StdEncoding.EncodeToString(secret),
		AdminToken: "admin-token", LiveMaxNotional: arena.FixedInt(500), LiveMaxLeverage: 3, LiveMaxDailyLoss: arena.FixedInt(25),
		LiveSlippageBps: arena.FixedInt(50), LiveReconcile: time.Hour, LighterBaseURL: fake.Server.URL, LighterWSURL: fake.WSURL(),
		LighterChainID: lightertest.Chain, LighterAPIKeyIndex: 3}
}

func seatID(t *testing.T, models []arena.AgentModel, e arena.RosterEntry) string {
	t.Helper()
	m, ok := findSeat(models, e.Name+"/"+string(e.Variant))
	if !ok {
		t.Fatalf("no seat %s/%s", e.Name, e.Variant)
	}
	return m.ID
}

// runSimulator runs the simulator with a BTC book around 60 000 until the
// test ends.
func runSimulator(t *testing.T, pool *pgxpool.Pool) *simulator.Simulator {
	t.Helper()
	c := exchange.DefaultConfig()
	c.TakerLatency, c.MakerLatency, c.StaleAfter = 0, 0, 0
	ctx, cancel := context.WithCancel(context.Background())
	sim, err := simulator.Open(ctx, pool, simulator.Options{Exchange: c,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	if err := sim.OnBook(ctx, arena.BookUpdate{Symbol: "BTC", Snapshot: true,
		Bids: []arena.Level{{Price: arena.MustFixed("59999.9"), Size: arena.FixedInt(10)}},
		Asks: []arena.Level{{Price: arena.MustFixed("60000.1"), Size: arena.FixedInt(10)}}}); err != nil {
		t.Fatal(err)
	}
	return sim
}

func post(t *testing.T, h http.Handler, token, body string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/live/kill", strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}
