package live_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/lighter/lightertest"
	"github.com/autonome-go/autonome/worker/internal/lighter/live"
	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
)

const model = "model-1"

// memLedger is the exchange itself (in memory) as the live account's
// ledger: the simulator adds only persistence of the same batches.
type memLedger struct {
	ex  *exchange.Exchange
	rec *exchange.Recorder
}

func (l memLedger) Snapshot(id string) (arena.AccountSnapshot, error) { return l.ex.Snapshot(id) }
func (l memLedger) Prices() []arena.Price                             { return l.ex.Prices() }
func (l memLedger) BookVenueFill(_ context.Context, f exchange.VenueFill) (arena.Order, error) {
	return l.ex.BookVenueFill(time.Now(), f)
}
func (l memLedger) ResetAccountTo(_ context.Context, id string, capital arena.Fixed) error {
	return l.ex.ResetAccountTo(time.Now(), id, capital)
}

func (l memLedger) BookVenueFunding(_ context.Context, f exchange.VenueFunding) (arena.FundingPayment, error) {
	return l.ex.BookVenueFunding(time.Now(), f)
}
func (l memLedger) VenueRefs(_ context.Context, id string) (map[string]bool, error) {
	refs := map[string]bool{}
	for _, b := range l.rec.Batches() {
		for _, f := range b.Funding {
			if f.AccountID == id && f.VenueRef != "" {
				refs[f.VenueRef] = true
			}
		}
	}
	return refs, nil
}

func newLedger(t *testing.T) memLedger {
	t.Helper()
	rec := exchange.NewRecorder()
	ex, err := exchange.New(exchange.Config{Markets: []arena.Market{{Symbol: "BTC", TickSize: arena.MustFixed("0.1"),
		LotSize: arena.MustFixed("0.00001"), MinSize: arena.MustFixed("0.0002"), InitialMarginFraction: arena.MustFixed("0.02"),
		MaintenanceMarginFraction: arena.MustFixed("0.01"), TakerFeeBps: arena.MustFixed("2"), MakerFeeBps: arena.MustFixed("0.2"),
		LiquidationFeeBps: arena.MustFixed("50")}},
		StartingCapital: arena.FixedInt(10_000), IdempotencyWindow: 64, Sink: rec})
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.OpenAccount(model); err != nil {
		t.Fatal(err)
	}
	if err := ex.ApplyBook(time.Now(), arena.BookUpdate{Symbol: "BTC", Snapshot: true,
		Bids: []arena.Level{{Price: arena.MustFixed("59999.9"), Size: arena.FixedInt(10)}},
		Asks: []arena.Level{{Price: arena.MustFixed("60000.1"), Size: arena.FixedInt(10)}}}); err != nil {
		t.Fatal(err)
	}
	return memLedger{ex, rec}
}

type liveEnv struct {
	fake   *lightertest.Venue
	acct   *live.Account
	ledger memLedger
	key    *signer.PrivateKey
	log    logFile
}

// logFile is a log sink the stream's goroutine may write concurrently.
type logFile string

func (l logFile) String() string {
	b, _ := os.ReadFile(string(l))
	return string(b)
}

// liveSetup runs a live account of model against a fake venue until the
// test ends, connected to its account stream.
func liveSetup(t *testing.T, dry bool) liveEnv {
	t.Helper()
	fake, key := newFake(t)
	logs := logFile(filepath.Join(t.TempDir(), "log"))
	f, err := os.Create(string(logs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	log := slog.New(slog.NewTextHandler(f, nil))
	tr := newTrader(t, fake, key, dry, log)
	l := newLedger(t)
	a := live.NewAccount(live.AccountConfig{ModelID: model, Label: "m/default", StreamURL: fake.WSURL(),
		FillWait: 2 * time.Second, Grace: 10 * time.Millisecond, Reconcile: time.Hour, Log: log}, tr, l)
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx, []arena.Symbol{"BTC"}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	eventually(t, "the account stream connects", func() bool { return fake.Subscribers() == 1 && a.Status().Connected })
	return liveEnv{fake, a, l, key, logs}
}

// eventually waits for cond, which the account stream makes true
// asynchronously; it fails the test after 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testenv.WaitFor(t, 10*time.Second, func() error {
		if !cond() {
			return fmt.Errorf("waiting until %s", what)
		}
		return nil
	})
}

func open(qty string, plan arena.ExitPlan) arena.OrderRequest {
	return arena.OrderRequest{AccountID: model, OrderID: "c1-open-BTC", Symbol: "BTC", Side: arena.Long,
		Type: arena.OrderMarket, Quantity: arena.MustFixed(qty), Leverage: arena.FixedInt(3), ExitPlan: plan}
}

func (e liveEnv) position(t *testing.T) arena.Fixed {
	t.Helper()
	s, err := e.ledger.Snapshot(model)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Positions {
		if p.Symbol == "BTC" {
			return p.Quantity.MulInt(int64(p.Side.Sign()))
		}
	}
	return 0
}

func TestAccountOrderFillsFromTheVenueStreamIntoTheLedger(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	plan := arena.ExitPlan{Stop: arena.FixedInt(58000), Target: arena.FixedInt(65000)}
	o, err := e.acct.PlaceOrder(ctx, open("0.002", plan))
	if err != nil {
		t.Fatal(err)
	}
	if o.State != arena.OrderFilled || o.Filled != arena.MustFixed("0.002") || o.AvgPrice != arena.FixedInt(60000) {
		t.Fatalf("order = %+v", o)
	}
	types := []int{}
	for _, tx := range e.fake.Txs() {
		types = append(types, tx.Type)
	}
	if want := []int{signer.TxTypeUpdateLeverage, signer.TxTypeCreateOrder, signer.TxTypeCreateOrder, signer.TxTypeCreateOrder}; !equal(types, want) {
		t.Fatalf("venue saw tx types %v, want leverage, order, stop, target", types)
	}
	if got := e.position(t); got != arena.MustFixed("0.002") {
		t.Fatalf("ledger position = %s", got)
	}
	s, _ := e.ledger.Snapshot(model)
	if want := arena.MustFixed("0.024"); s.Fees != want { // 120 USD × 200 millionths
		t.Fatalf("ledger fees = %s, want the venue's %s", s.Fees, want)
	}
	if s.Capital != arena.FixedInt(1000) { // the fresh seat started from the venue's equity
		t.Fatalf("ledger capital = %s, want the venue's 1000", s.Capital)
	}
	// The same order id again is the same order, not a second trade.
	if again, err := e.acct.PlaceOrder(ctx, open("0.002", plan)); err != nil || again.Filled != o.Filled {
		t.Fatalf("resend = %+v, %v", again, err)
	}
	if n := len(e.fake.Trades()); n != 1 {
		t.Fatalf("venue trades = %d, want 1", n)
	}
	if st := e.acct.ReconcileNow(ctx); st.Degraded() {
		t.Fatalf("agreeing venue and ledger reported %+v", st)
	}
}

func TestAccountStopLossFillsAndCancelsTarget(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	if _, err := e.acct.PlaceOrder(ctx, open("0.002", arena.ExitPlan{Stop: arena.FixedInt(58000),
		Target: arena.FixedInt(65000)})); err != nil {
		t.Fatal(err)
	}
	e.fake.SetMark(1, 57900)
	eventually(t, "the stop's fill is booked", func() bool { return e.position(t) == 0 })
	eventually(t, "the target is cancelled", func() bool { return len(e.fake.OpenOrders(account)) == 0 })
	var stop []arena.Fill
	for _, b := range e.ledger.rec.Batches() {
		for _, f := range b.Fills {
			if f.Trigger == arena.TriggerStop {
				stop = append(stop, f)
			}
		}
	}
	if len(stop) != 1 || stop[0].Price != arena.FixedInt(57900) || stop[0].RealizedPnL != arena.MustFixed("-4.2") {
		t.Fatalf("stop fills = %+v", stop)
	}
	if st := e.acct.ReconcileNow(ctx); st.Degraded() {
		t.Fatalf("after the stop: %+v", st)
	}
}

func TestAccountPartialFill(t *testing.T) {
	e := liveSetup(t, false)
	e.fake.SetDepth(1, 100) // 0.001 BTC
	o, err := e.acct.PlaceOrder(t.Context(), open("0.002", arena.ExitPlan{}))
	if err != nil {
		t.Fatal(err)
	}
	if !o.Partial() || o.Filled != arena.MustFixed("0.001") || o.Quantity != arena.MustFixed("0.002") {
		t.Fatalf("order = %+v, want partly filled", o)
	}
	if got := e.position(t); got != arena.MustFixed("0.001") {
		t.Fatalf("ledger position = %s", got)
	}
}

func TestAccountReconnectBooksMissedFills(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	if _, err := e.acct.PlaceOrder(ctx, open("0.002", arena.ExitPlan{Stop: arena.FixedInt(58000)})); err != nil {
		t.Fatal(err)
	}
	e.fake.DropConnections()
	eventually(t, "the dropped stream degrades the status", func() bool { return e.acct.Status().Degraded() })
	e.fake.SetMark(1, 57000) // the stop fills while we are away
	if got := e.position(t); got != arena.MustFixed("0.002") {
		t.Fatalf("ledger moved without a stream: %s", got)
	}
	e.fake.AcceptConnections()
	eventually(t, "the missed fill is booked after the reconnect", func() bool { return e.position(t) == 0 })
	eventually(t, "reconnected", func() bool { return e.acct.Status().Connected })
	if st := e.acct.Status(); st.Degraded() {
		t.Fatalf("after resync: %+v", st)
	}
	if !strings.Contains(e.log.String(), "reconnecting") {
		t.Fatal("the dropped stream was not logged")
	}
}

func TestAccountNonceResync(t *testing.T) {
	e := liveSetup(t, false)
	e.fake.RejectNonces(1)
	if _, err := e.acct.PlaceOrder(t.Context(), open("0.001", arena.ExitPlan{})); err != nil {
		t.Fatalf("order after a nonce refusal: %v", err)
	}
	if got := e.position(t); got != arena.MustFixed("0.001") {
		t.Fatalf("ledger position = %s", got)
	}
}

func TestAccountReconciliationMismatchHalts(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	if _, err := e.acct.PlaceOrder(ctx, open("0.002", arena.ExitPlan{})); err != nil {
		t.Fatal(err)
	}
	e.fake.SetPosition(account, 1, 500) // the venue disagrees
	st := e.acct.ReconcileNow(ctx)
	if !st.Degraded() || !strings.Contains(st.Halted, "BTC position: venue 0.005, ours 0.002") {
		t.Fatalf("status = %+v", st)
	}
	o, err := e.acct.PlaceOrder(ctx, arena.OrderRequest{AccountID: model, OrderID: "c2", Symbol: "BTC", Side: arena.Long,
		Type: arena.OrderMarket, Quantity: arena.MustFixed("0.001")})
	if arena.ErrorCode(err) != arena.CodeRejected || !strings.Contains(o.Reason, "halted") {
		t.Fatalf("order while halted: %+v, %v", o, err)
	}
}

func TestAccountForeignFillHalts(t *testing.T) {
	e := liveSetup(t, false)
	// Someone else uses the key: an order the arena never placed fills.
	other := newTrader(t, e.fake, e.key, false, nil)
	_ = other.LoadMarkets(t.Context())
	if _, err := other.Place(t.Context(), market("0.001", false)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the foreign fill halts the model", func() bool { return e.acct.Status().Halted != "" })
	if got := e.position(t); got != arena.MustFixed("0.001") {
		t.Fatalf("the foreign fill was not booked: ledger %s", got)
	}
	if !strings.Contains(e.acct.Status().Halted, "belongs to no order of ours") {
		t.Fatal(e.acct.Status().Halted)
	}
}

func TestAccountKillSwitch(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	if _, err := e.acct.PlaceOrder(ctx, open("0.002", arena.ExitPlan{Stop: arena.FixedInt(58000)})); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.OpenOrders(account)); n != 1 {
		t.Fatalf("open orders = %d, want the stop", n)
	}
	if err := e.acct.Kill(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.OpenOrders(account)); n != 0 {
		t.Fatalf("kill left %d open orders", n)
	}
	req := open("0.001", arena.ExitPlan{})
	req.OrderID = "c2"
	if _, err := e.acct.PlaceOrder(ctx, req); arena.ErrorCode(err) != arena.CodeRejected || !strings.Contains(err.Error(), "kill switch") {
		t.Fatalf("order after kill: %v", err)
	}
	if st := e.acct.ReconcileNow(ctx); st.Degraded() || !st.Killed {
		t.Fatalf("status after kill = %+v", st)
	}
}

func TestAccountDryRun(t *testing.T) {
	e := liveSetup(t, true)
	o, err := e.acct.PlaceOrder(t.Context(), open("0.001", arena.ExitPlan{}))
	if arena.ErrorCode(err) != arena.CodeRejected || o.State != arena.OrderRejected || !strings.Contains(o.Reason, "dry run") {
		t.Fatalf("dry run order = %+v, %v", o, err)
	}
	if n := len(e.fake.Txs()); n != 0 {
		t.Fatalf("dry run sent %d txs", n)
	}
	if !strings.Contains(e.log.String(), "tx_info=") {
		t.Fatal("the signed transaction was not logged")
	}
	if !strings.Contains(e.acct.Summary(), "DRY RUN") {
		t.Fatal(e.acct.Summary())
	}
}

func TestAccountTakesPlainMarketOrdersOnly(t *testing.T) {
	e := liveSetup(t, false)
	if _, err := e.acct.PlaceOrder(t.Context(), arena.OrderRequest{AccountID: model, OrderID: "x", Symbol: "BTC",
		Side: arena.Long, Type: arena.OrderLimit, Price: arena.FixedInt(1), Quantity: arena.FixedInt(1)}); arena.ErrorCode(err) != arena.CodeInvalid {
		t.Fatalf("limit order on a live account: %v", err)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAccountRestartAdoptsItsRestingExits(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	if _, err := e.acct.PlaceOrder(ctx, open("0.002", arena.ExitPlan{Stop: arena.FixedInt(58000),
		Target: arena.FixedInt(65000)})); err != nil {
		t.Fatal(err)
	}
	// A second run (a restarted worker) over the same ledger and venue.
	tr := newTrader(t, e.fake, e.key, false, nil)
	again := live.NewAccount(live.AccountConfig{ModelID: model, Label: "m/default", StreamURL: e.fake.WSURL(),
		Grace: time.Millisecond, Log: slog.New(slog.DiscardHandler)}, tr, e.ledger)
	if err := again.Start(ctx, []arena.Symbol{"BTC"}); err != nil {
		t.Fatal(err)
	}
	if st := again.ReconcileNow(ctx); st.Halted != "" || st.Error != "" { // not running: no stream
		t.Fatalf("the restarted account does not recognise its exits: %+v", st)
	}
}

func TestAccountDailyLossTripsTheKillSwitch(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	if _, err := e.acct.PlaceOrder(ctx, open("0.002", arena.ExitPlan{Stop: arena.FixedInt(58000)})); err != nil {
		t.Fatal(err)
	}
	e.fake.SetEquity(account, "949.000000") // 51 below the day's first reading; the limit is 50
	st := e.acct.ReconcileNow(ctx)
	if !st.Killed {
		t.Fatalf("status after the daily loss = %+v", st)
	}
	if n := len(e.fake.OpenOrders(account)); n != 0 {
		t.Fatalf("the daily loss left %d open orders", n)
	}
	req := open("0.001", arena.ExitPlan{})
	req.OrderID = "c2"
	if _, err := e.acct.PlaceOrder(ctx, req); !strings.Contains(fmt.Sprint(err), "kill switch") {
		t.Fatalf("order after the daily loss: %v", err)
	}
}

func TestAccountRefusesExitsOnTheWrongSide(t *testing.T) {
	e := liveSetup(t, false)
	for _, plan := range []arena.ExitPlan{{Stop: arena.FixedInt(61000)}, {Target: arena.FixedInt(59000)}} {
		if _, err := e.acct.PlaceOrder(t.Context(), open("0.001", plan)); arena.ErrorCode(err) != arena.CodeInvalid {
			t.Fatalf("long with %+v: %v", plan, err)
		}
	}
	if n := len(e.fake.Txs()); n != 0 {
		t.Fatalf("refused orders reached the venue: %d txs", n)
	}
}

func TestAccountRefusesInvalidationPricesAndTimeExits(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	for _, plan := range []arena.ExitPlan{
		{Stop: arena.FixedInt(59000), InvalidationPrice: arena.FixedInt(59500)},
		{Target: arena.FixedInt(61000), TimeExit: time.Now().Add(time.Hour)},
	} {
		_, err := e.acct.PlaceOrder(ctx, open("0.001", plan))
		if arena.ErrorCode(err) != arena.CodeInvalid || !strings.Contains(err.Error(), "use the stop") {
			t.Fatalf("long with %+v: %v", plan, err)
		}
	}
	if n := len(e.fake.Txs()); n != 0 {
		t.Fatalf("refused orders reached the venue: %d txs", n)
	}
	if _, err := e.acct.PlaceOrder(ctx, open("0.001", arena.ExitPlan{})); err != nil {
		t.Fatal(err)
	}
	_, err := e.acct.UpdateExitPlan(ctx, "BTC", arena.ExitPlan{TimeExit: time.Now().Add(time.Hour)})
	if arena.ErrorCode(err) != arena.CodeInvalid {
		t.Fatalf("exit plan update with a time exit: %v", err)
	}
}

// The venue's funding is booked into the ledger once per funding id: at
// reconciliation, after a reconnect (payments made while the stream was
// down), and never again after a restart; the venue's collateral and the
// ledger's cash then agree, so nothing halts.
func TestAccountBooksVenueFundingOnce(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	if _, err := e.acct.PlaceOrder(ctx, open("0.002", arena.ExitPlan{})); err != nil {
		t.Fatal(err)
	}
	funding := func() arena.Fixed {
		s, err := e.ledger.Snapshot(model)
		if err != nil {
			t.Fatal(err)
		}
		return s.Funding
	}
	e.fake.PayFunding(account, 1, "-0.0384", "0.00032")
	if st := e.acct.ReconcileNow(ctx); st.Halted != "" || st.Error != "" {
		t.Fatalf("after a funding payment: %+v", st)
	}
	if got := funding(); got != arena.MustFixed("-0.0384") {
		t.Fatalf("ledger funding = %s", got)
	}
	e.acct.ReconcileNow(ctx)
	if got := funding(); got != arena.MustFixed("-0.0384") {
		t.Fatalf("a second reconciliation booked it again: %s", got)
	}

	e.fake.DropConnections()
	eventually(t, "the dropped stream degrades the status", func() bool { return e.acct.Status().Degraded() })
	e.fake.PayFunding(account, 1, "0.0112", "-0.0001")
	e.fake.PayFunding(account, 1, "-0.02", "0.00017")
	e.fake.AcceptConnections()
	eventually(t, "the payments made while away are booked", func() bool { return funding() == arena.MustFixed("-0.0472") })
	eventually(t, "reconnected", func() bool { return e.acct.Status().Connected })

	// A restarted worker over the same ledger books nothing twice.
	again := live.NewAccount(live.AccountConfig{ModelID: model, Label: "m/default", StreamURL: e.fake.WSURL(),
		Grace: time.Millisecond, Log: slog.New(slog.DiscardHandler)}, newTrader(t, e.fake, e.key, false, nil), e.ledger)
	if err := again.Start(ctx, []arena.Symbol{"BTC"}); err != nil {
		t.Fatal(err)
	}
	if st := again.ReconcileNow(ctx); st.Halted != "" || st.Error != "" || funding() != arena.MustFixed("-0.0472") {
		t.Fatalf("after a restart: funding %s, status %+v", funding(), st)
	}
	s, _ := e.ledger.Snapshot(model)
	if d := (s.Cash - e.fake.Collateral(account)).Abs(); d > arena.MustFixed("0.01") {
		t.Fatalf("ledger cash %s, venue collateral %s", s.Cash, e.fake.Collateral(account))
	}
	var refs []string
	for _, b := range e.ledger.rec.Batches() {
		for _, f := range b.Funding {
			refs = append(refs, f.VenueRef)
		}
	}
	if strings.Join(refs, ",") != "lighter:1,lighter:2,lighter:3" {
		t.Fatalf("funding records %v", refs)
	}
}

// Reconciliation compares the venue's collateral with the ledger's cash:
// a difference beyond the tolerance halts the model and says both values.
func TestReconciliationCatchesACollateralDifference(t *testing.T) {
	e := liveSetup(t, false)
	ctx := t.Context()
	e.fake.SetCollateral(account, "1000.005") // within the 0.01 tolerance
	if st := e.acct.ReconcileNow(ctx); st.Halted != "" {
		t.Fatalf("a difference within the tolerance halted: %+v", st)
	}
	e.fake.SetCollateral(account, "990") // a withdrawal we never saw, or a payment we missed
	st := e.acct.ReconcileNow(ctx)
	if !strings.Contains(st.Halted, "collateral: venue 990") || !strings.Contains(st.Halted, "ours 1000") {
		t.Fatalf("status after the venue's collateral moved = %+v", st)
	}
	if _, err := e.acct.PlaceOrder(ctx, open("0.001", arena.ExitPlan{})); !errors.Is(err, live.ErrHalted) && !strings.Contains(fmt.Sprint(err), "halted") {
		t.Fatalf("order after the halt: %v", err)
	}
}
