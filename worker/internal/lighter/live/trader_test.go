package live_test

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/lighter/lightertest"
	"github.com/autonome-go/autonome/worker/internal/lighter/live"
	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
)

const account = 4242

var btc = venue.PerpsOrderBookDetail{Symbol: "BTC", MarketID: 1, SizeDecimals: 5, PriceDecimals: 1,
	MinBaseAmount: "0.00020", Status: "active"}

type env struct {
	fake   *lightertest.Venue
	trader *live.Trader
	log    *bytes.Buffer
}

// newFake starts a fake venue with BTC at 60 000 and an account whose
// API key 3 is a fresh key.
func newFake(t *testing.T) (*lightertest.Venue, *signer.PrivateKey) {
	t.Helper()
	key, err := signer.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	fake := lightertest.New(t, btc)
	fake.Register(account, 3, key.Public(), 17, "1000.000000")
	fake.SetMark(1, 60000)
	return fake, key
}

// newTrader trades the fake's account with key under the test's limits.
func newTrader(t *testing.T, fake *lightertest.Venue, key *signer.PrivateKey, dry bool, log *slog.Logger) *live.Trader {
	t.Helper()
	tr, err := live.New(live.Config{Account: account, APIKey: 3, Chain: lightertest.Chain, Key: key, DryRun: dry, Log: log,
		Limits: live.Limits{MaxNotional: arena.MustFixed("500"), MaxLeverage: 5, MaxDailyLoss: arena.MustFixed("50")}},
		venue.NewClient(fake.Server.URL, nil))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func setup(t *testing.T, dry bool) env {
	t.Helper()
	fake, key := newFake(t)
	var log bytes.Buffer
	tr := newTrader(t, fake, key, dry, slog.New(slog.NewTextHandler(&log, nil)))
	if err := tr.LoadMarkets(context.Background()); err != nil {
		t.Fatal(err)
	}
	return env{fake, tr, &log}
}

func market(size string, sell bool) live.Order {
	bound := "61000"
	if sell {
		bound = "59000"
	}
	return live.Order{Symbol: "BTC", Sell: sell, Type: signer.OrderMarket, Size: arena.MustFixed(size),
		Price: arena.MustFixed(bound), Leverage: 3}
}

func TestLeverageBeforeFirstOrderThenMarketOrderFills(t *testing.T) {
	e := setup(t, false)
	ctx := t.Context()
	if _, err := e.trader.Place(ctx, market("0.0012345", false)); err != nil {
		t.Fatal(err)
	}
	txs := e.fake.Txs()
	if len(txs) != 2 || txs[0].Type != signer.TxTypeUpdateLeverage || txs[1].Type != signer.TxTypeCreateOrder {
		t.Fatalf("venue saw %+v, want leverage then order", txs)
	}
	if got := e.fake.Leverage(account, 1); got != 10000/3 {
		t.Fatalf("initial margin fraction = %d, want %d", got, 10000/3)
	}
	if got := e.fake.Position(account, 1); got != 123 { // 0.00123 BTC in 10^-5 lots, rounded down
		t.Fatalf("position = %d lots, want 123", got)
	}
	// A second order in the same market at the same leverage sends no leverage tx.
	if _, err := e.trader.Place(ctx, market("0.001", false)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Txs()); n != 3 {
		t.Fatalf("venue saw %d txs, want 3", n)
	}
}

func TestLimitTriggersReduceOnlyAndUniqueClientIndexes(t *testing.T) {
	e := setup(t, false)
	ctx := t.Context()
	if _, err := e.trader.Place(ctx, market("0.005", false)); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	orders := []live.Order{
		{Symbol: "BTC", Type: signer.OrderLimit, Size: arena.MustFixed("0.001"), Price: arena.MustFixed("55000.07"), Leverage: 3},
		{Symbol: "BTC", Sell: true, Type: signer.OrderStopLoss, Size: arena.MustFixed("0.005"), Price: arena.MustFixed("50000"),
			Trigger: arena.MustFixed("51000"), ReduceOnly: true},
		{Symbol: "BTC", Sell: true, Type: signer.OrderTakeProfit, Size: arena.MustFixed("0.005"), Price: arena.MustFixed("70000"),
			Trigger: arena.MustFixed("69000.01"), ReduceOnly: true},
	}
	for _, o := range orders {
		p, err := e.trader.Place(ctx, o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if seen[p.ClientOrderIndex] {
			t.Fatalf("client order index %d reused", p.ClientOrderIndex)
		}
		seen[p.ClientOrderIndex] = true
	}
	open := e.fake.OpenOrders(account)
	if len(open) != 3 {
		t.Fatalf("open orders = %+v, want 3 resting", open)
	}
	if open[0].Price != "550000" { // bid rounded down to the 0.1 tick
		t.Fatalf("limit price = %s ticks, want 550000", open[0].Price)
	}
	if open[2].TriggerPrice != "690001" { // ask side rounded up
		t.Fatalf("take-profit trigger = %s ticks, want 690001", open[2].TriggerPrice)
	}
	// Reduce-only market close.
	closeAll := market("0.005", true)
	closeAll.ReduceOnly = true
	if _, err := e.trader.Place(ctx, closeAll); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.Position(account, 1); got != 0 {
		t.Fatalf("position after close = %d", got)
	}
	if err := e.trader.Cancel(ctx, "BTC", open[0].OrderIndex); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.OpenOrders(account)); n != 2 {
		t.Fatalf("open orders after cancel = %d, want 2", n)
	}
}

func TestNonceResyncAfterRefusal(t *testing.T) {
	e := setup(t, false)
	ctx := t.Context()
	if _, err := e.trader.Place(ctx, market("0.001", false)); err != nil {
		t.Fatal(err)
	}
	e.fake.RejectNonces(1) // another client used nonces meanwhile
	if _, err := e.trader.Place(ctx, market("0.001", false)); err != nil {
		t.Fatalf("order after a nonce refusal: %v", err)
	}
	if !strings.Contains(e.log.String(), "resynchronising") {
		t.Fatal("resync not logged")
	}
	if got := e.fake.Position(account, 1); got != 200 {
		t.Fatalf("position = %d, want 200", got)
	}
}

func TestBrakesAndKillSwitch(t *testing.T) {
	e := setup(t, false)
	ctx := t.Context()
	if _, err := e.trader.Place(ctx, market("0.01", false)); !errors.Is(err, live.ErrBrake) { // 610 > 500
		t.Fatalf("notional brake: %v", err)
	}
	o := market("0.001", false)
	o.Leverage = 10
	if _, err := e.trader.Place(ctx, o); !errors.Is(err, live.ErrBrake) {
		t.Fatalf("leverage brake: %v", err)
	}
	if n := len(e.fake.Txs()); n != 0 {
		t.Fatalf("braked orders reached the venue: %d txs", n)
	}
	if _, err := e.trader.Place(ctx, live.Order{Symbol: "BTC", Type: signer.OrderLimit, Size: arena.MustFixed("0.001"),
		Price: arena.MustFixed("50000"), Leverage: 2}); err != nil {
		t.Fatal(err)
	}
	if err := e.trader.Kill(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.OpenOrders(account)); n != 0 {
		t.Fatalf("kill left %d open orders", n)
	}
	if _, err := e.trader.Place(ctx, market("0.001", false)); !errors.Is(err, live.ErrKilled) {
		t.Fatalf("order after kill: %v", err)
	}
}

func TestDryRunSignsButNeverSends(t *testing.T) {
	e := setup(t, true)
	p, err := e.trader.Place(t.Context(), market("0.001", false))
	if err != nil {
		t.Fatal(err)
	}
	if !p.DryRun || p.TxInfo == "" {
		t.Fatalf("placed = %+v", p)
	}
	if n := len(e.fake.Txs()); n != 0 {
		t.Fatalf("dry run sent %d txs", n)
	}
	if strings.Count(e.log.String(), "dry run") != 2 { // leverage and order
		t.Fatalf("log:\n%s", e.log.String())
	}
	if !strings.Contains(e.trader.Summary(), "DRY RUN") {
		t.Fatal(e.trader.Summary())
	}
}

func TestReconciliationMismatchHalts(t *testing.T) {
	e := setup(t, false)
	var reported []live.Diff
	reg := prometheus.NewRegistry()
	count := live.MismatchCounter(reg)
	e.trader.SetOnMismatch(func(a int64, d []live.Diff) { reported = append(reported, d...); count(a, d) })
	ctx := t.Context()
	if _, err := e.trader.Place(ctx, market("0.002", false)); err != nil {
		t.Fatal(err)
	}
	ours := live.Book{Positions: map[arena.Symbol]arena.Fixed{"BTC": arena.MustFixed("0.002")}}
	if diffs, err := e.trader.Reconcile(ctx, ours); err != nil || len(diffs) != 0 {
		t.Fatalf("agreeing books: %v %v", diffs, err)
	}
	e.fake.SetPosition(account, 1, -300) // the venue disagrees
	diffs, err := e.trader.Reconcile(ctx, ours)
	if !errors.Is(err, live.ErrHalted) || len(diffs) != 1 || diffs[0].Venue != "-0.003" {
		t.Fatalf("diffs = %v, err = %v", diffs, err)
	}
	if _, err := e.trader.Place(ctx, market("0.001", false)); !errors.Is(err, live.ErrHalted) {
		t.Fatalf("order while halted: %v", err)
	}
	if !strings.Contains(e.trader.Halted(), "BTC position: venue -0.003, ours 0.002") {
		t.Fatalf("halt reason %q", e.trader.Halted())
	}
	if len(reported) != 1 || reported[0].Venue != "-0.003" {
		t.Fatalf("mismatch reported to OnMismatch: %v", reported)
	}
	if n := testutil.ToFloat64(mismatches(t, reg)); n != 1 {
		t.Fatalf("autonome_live_reconciliation_mismatches_total = %v, want 1", n)
	}
}

func TestReconciliationCatchesUnknownOpenOrder(t *testing.T) {
	e := setup(t, false)
	ctx := t.Context()
	p, err := e.trader.Place(ctx, live.Order{Symbol: "BTC", Type: signer.OrderLimit, Size: arena.MustFixed("0.001"),
		Price: arena.MustFixed("50000"), Leverage: 2})
	if err != nil {
		t.Fatal(err)
	}
	mine := live.Book{Orders: map[arena.Symbol][]int64{"BTC": {p.ClientOrderIndex}}}
	if diffs, err := e.trader.Reconcile(ctx, mine); err != nil || len(diffs) != 0 {
		t.Fatalf("agreeing orders: %v %v", diffs, err)
	}
	diffs, err := e.trader.Reconcile(ctx, live.Book{}) // we forgot the order
	if !errors.Is(err, live.ErrHalted) || len(diffs) != 1 || diffs[0].What != "open orders" {
		t.Fatalf("diffs = %v, err = %v", diffs, err)
	}
}

func TestFakeVenueRejectsForeignSignature(t *testing.T) {
	e := setup(t, false)
	other, _ := signer.GenerateKey()
	tx := signer.CancelAll{Header: signer.Header{AccountIndex: account, ApiKeyIndex: 3, Nonce: 17,
		ExpiredAt: time.Now().Add(time.Minute).UnixMilli()}}
	info, _, _ := other.SignTx(lightertest.Chain, tx)
	_, err := venue.NewClient(e.fake.Server.URL, nil).SendTx(t.Context(), signer.TxTypeCancelAll, info)
	if err == nil || !strings.Contains(err.Error(), "invalid signature") {
		t.Fatalf("foreign signature: %v", err)
	}
}

// mismatches returns the one series of the mismatch counter in reg.
func mismatches(t *testing.T, reg *prometheus.Registry) prometheus.Collector {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil || len(fams) != 1 || len(fams[0].GetMetric()) != 1 {
		t.Fatalf("gathered %v, %v", fams, err)
	}
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "x", Help: "x"},
		func() float64 { return fams[0].GetMetric()[0].GetCounter().GetValue() })
}
