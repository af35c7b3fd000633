package service

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/worker/internal/jobs"
	"github.com/autonome-go/autonome/worker/internal/lighter/live"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// priceInterval is how often prices are published to Redis and the relays.
const priceInterval = time.Second

// health collects what the admin endpoint reports.
type health struct {
	mu       sync.Mutex
	started  time.Time
	lastBook map[arena.Symbol]time.Time
	live     []*live.Account // set before the admin listener starts
}

func newHealth() *health {
	return &health{started: time.Now(), lastBook: map[arena.Symbol]time.Time{}}
}

// feedSink records when each market last updated.
func (h *health) feedSink() marketdata.Sink {
	return marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
		if m.Kind == marketdata.KindBook {
			h.mu.Lock()
			h.lastBook[m.Book.Symbol] = time.Now()
			h.mu.Unlock()
		}
		return nil
	})
}

// stalest returns the oldest of the markets' last book updates: the feed is
// as fresh as its stalest market (zero before any update).
func (h *health) stalest() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	var oldest time.Time
	for _, t := range h.lastBook {
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
	}
	return oldest
}

// feedReportInterval is how often the feed's freshness is written to the
// shared health record; the API judges it stale after redis.FeedMaxAge.
const feedReportInterval = 5 * time.Second

// reportFeed writes the feed's freshness (its stalest market's last book
// update) and the live seats' states into the shared health record until
// ctx ends, so that the API's /health judges the feed and a live halt as
// the worker's own /health does.
func reportFeed(ctx context.Context, h *health, to *jobs.Health, source string) error {
	t := time.NewTicker(feedReportInterval)
	defer t.Stop()
	var last time.Time
	var lastLive []redis.LiveHealth
	for {
		if at := h.stalest(); !at.IsZero() && !at.Equal(last) {
			to.Feed(source, at)
			last = at
		}
		if seats := h.liveHealth(); !slices.Equal(seats, lastLive) {
			to.Live(seats)
			lastLive = seats
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// liveHealth is the live seats' states for the shared health record (nil
// without live seats).
func (h *health) liveHealth() []redis.LiveHealth {
	var out []redis.LiveHealth
	for _, a := range h.live {
		out = append(out, sharedLive(a.ModelID(), a.Status()))
	}
	return out
}

// sharedLive says what a live status means for the shared record: a halt
// wins over the kill switch (both stop new orders; only a halt is a fault).
func sharedLive(model string, st live.Status) redis.LiveHealth {
	l := redis.LiveHealth{Model: model, State: "trading", Healthy: !st.Degraded()}
	switch {
	case st.Halted != "":
		l.State, l.Reason = "halted", st.Halted
	case st.Killed:
		l.State, l.Reason = "killed", "kill switch on"
	}
	switch {
	case l.Reason != "":
	case st.Error != "":
		l.Reason = "venue unreadable: " + st.Error
	case !st.Connected:
		l.Reason = "account stream disconnected"
	}
	return l
}

// FeedStatus is one market's freshness.
type FeedStatus struct {
	Symbol     arena.Symbol `json:"symbol"`
	LastUpdate time.Time    `json:"lastUpdate"`
	AgeMs      int64        `json:"ageMs"`
	Healthy    bool         `json:"healthy"`
}

// Report is the admin /health body.
type Report struct {
	Status        string       `json:"status"` // ok | degraded
	StartedAt     time.Time    `json:"startedAt"`
	UptimeSeconds int64        `json:"uptimeSeconds"`
	Feed          []FeedStatus `json:"feed"`
	// Live lists the models trading on Lighter (TRADING_MODE=live): a
	// halted one (reconciliation found a difference, the reason says
	// exactly which) or one whose venue cannot be read makes the worker
	// degraded; a kill switch is shown but is an operator's choice.
	Live []live.Status `json:"live,omitempty"`
}

// staleFeed is when a market without updates makes the worker degraded.
const staleFeed = 30 * time.Second

func (h *health) report(now time.Time) Report {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := Report{Status: "ok", StartedAt: h.started, UptimeSeconds: int64(now.Sub(h.started).Seconds())}
	for sym, t := range h.lastBook {
		fs := FeedStatus{Symbol: sym, LastUpdate: t, AgeMs: now.Sub(t).Milliseconds()}
		fs.Healthy = now.Sub(t) < staleFeed
		if !fs.Healthy {
			r.Status = "degraded"
		}
		r.Feed = append(r.Feed, fs)
	}
	if len(r.Feed) == 0 && now.Sub(h.started) > staleFeed {
		r.Status = "degraded"
	}
	for _, a := range h.live {
		st := a.Status()
		if st.Degraded() {
			r.Status = "degraded"
		}
		r.Live = append(r.Live, st)
	}
	return r
}
