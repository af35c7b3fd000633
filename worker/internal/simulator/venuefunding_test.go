package simulator_test

import (
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/exchange"
)

// A venue funding payment is written with its ref, which the restarted
// simulator reads back (so a live account books it once), and the database
// refuses the same ref twice on one account.
func TestVenueFundingRefsSurviveARestart(t *testing.T) {
	pool, _, ids := seeded(t, 2)
	ctx := testenv.Context(t, 60*time.Second)
	sim, stop := start(t, pool)
	feedBooks(t, sim, 5, 10)
	if _, err := sim.PlaceOrder(ctx, order(ids[0], "v1", "BTC", arena.Long, "0.01")); err != nil {
		t.Fatal(err)
	}
	pay, err := sim.BookVenueFunding(ctx, exchange.VenueFunding{AccountID: ids[0], Symbol: "BTC", Ref: "lighter:9", Amount: arena.MustFixed("-0.0123"), Rate: arena.MustFixed("0.0001")})
	if err != nil || pay.PositionID == "" {
		t.Fatalf("BookVenueFunding = %+v, %v", pay, err)
	}
	refs, err := sim.VenueRefs(ctx, ids[0])
	if err != nil || !refs["lighter:9"] || len(refs) != 1 {
		t.Fatalf("VenueRefs = %v, %v", refs, err)
	}
	if other, _ := sim.VenueRefs(ctx, ids[1]); len(other) != 0 {
		t.Fatalf("another account's refs = %v", other)
	}
	before, _ := sim.Snapshot(ids[0])
	stop()

	sim2, _ := start(t, pool)
	refs, err = sim2.VenueRefs(ctx, ids[0])
	if err != nil || !refs["lighter:9"] {
		t.Fatalf("after a restart VenueRefs = %v, %v", refs, err)
	}
	after, _ := sim2.Snapshot(ids[0])
	if after.Funding != arena.MustFixed("-0.0123") || after.Cash != before.Cash {
		t.Fatalf("restored funding %s cash %s, before %s %s", after.Funding, after.Cash, before.Funding, before.Cash)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO "LedgerEntries" ("modelId", "kind", "amount", "venueRef") VALUES ($1, 'FUNDING', 0, 'lighter:9')`, ids[0]); err == nil {
		t.Fatal("the database took the same venue ref twice")
	}
	checkLedger(t, ctx, pool)
}
