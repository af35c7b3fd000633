package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// SchedulerHealth is what the worker reports about its schedulers, read by
// the stateless API's /health. It is one JSON document so a reader gets a
// consistent view; writers change their part with Health.Update.
type SchedulerHealth struct {
	WorkerStartedAt time.Time       `json:"workerStartedAt"`
	UpdatedAt       time.Time       `json:"updatedAt"` // last write of any part
	Trade           TradeHealth     `json:"trade"`
	Portfolio       PortfolioHealth `json:"portfolio"`
	Feed            FeedHealth      `json:"feed"`
	// Live lists the seats trading on Lighter (TRADING_MODE=live); empty
	// when every seat trades on the simulator.
	Live []LiveHealth `json:"live,omitempty"`
}

// LiveHealth is one live seat as the worker last saw it (written with the
// feed's freshness, every few seconds, when it changes).
type LiveHealth struct {
	Model string `json:"model"` // name/variant
	// State is trading, halted (reconciliation found a difference: no
	// new orders until an operator looks) or killed (the kill switch).
	State string `json:"state"`
	// Healthy is false when the seat cannot trade as it should: halted,
	// the venue unreadable, or the account stream down (fills are not
	// booked until it is back). A kill switch is an operator's choice and
	// leaves it true.
	Healthy bool   `json:"healthy"`
	Reason  string `json:"reason,omitempty"` // exactly what differs, or what is down
}

// TradeHealth describes the decision scheduler. A cycle is one run of every
// active model; it fails when any model's decision did not complete.
type TradeHealth struct {
	LastRun                 time.Time      `json:"lastRun,omitzero"`     // start of the last cycle
	LastSuccess             time.Time      `json:"lastSuccess,omitzero"` // end of the last cycle with no failure
	ConsecutiveFailedCycles int            `json:"consecutiveFailedCycles"`
	ModelsRunning           []RunningModel `json:"modelsRunning"`
	LastCycle               *CycleStats    `json:"lastCycle,omitempty"`
}

// RunningModel is a model whose decision is in progress.
type RunningModel struct {
	ID        string    `json:"id"`
	StartedAt time.Time `json:"startedAt"`
}

// CycleStats summarises the last finished decision cycle.
type CycleStats struct {
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	Models     int       `json:"models"`
	Succeeded  int       `json:"succeeded"`
	Failed     int       `json:"failed"`
	Skipped    int       `json:"skipped"` // still running from the previous cycle
}

// PortfolioHealth describes the equity snapshot scheduler.
type PortfolioHealth struct {
	LastRun     time.Time `json:"lastRun,omitzero"`
	LastSuccess time.Time `json:"lastSuccess,omitzero"`
}

// FeedHealth describes the market data feed.
type FeedHealth struct {
	Source     string    `json:"source"`              // synthetic, lighter, replay
	LastUpdate time.Time `json:"lastUpdate,omitzero"` // last book update of the stalest market (the worker writes it every few seconds)
}

// Health stores SchedulerHealth at {prefix}arena:health:scheduler.
type Health struct {
	rdb goredis.UniversalClient
	key string
	// mu serialises this process's updaters (the schedulers, the feed):
	// they would otherwise only fight over the optimistic transaction.
	// Other processes are handled by WATCH and its retries.
	mu sync.Mutex
}

// NewHealth returns the health store under prefix ("" in production).
func NewHealth(rdb goredis.UniversalClient, prefix string) *Health {
	return &Health{rdb: rdb, key: prefix + "arena:health:scheduler"}
}

// Key is the Redis key the document lives at.
func (h *Health) Key() string { return h.key }

// Write replaces the whole document.
func (h *Health) Write(ctx context.Context, s SchedulerHealth) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode scheduler health: %w", err)
	}
	if err := h.rdb.Set(ctx, h.key, b, 0).Err(); err != nil {
		return fmt.Errorf("store scheduler health: %w", err)
	}
	return nil
}

// Read returns the document; ok is false when the worker never wrote one.
func (h *Health) Read(ctx context.Context) (s SchedulerHealth, ok bool, err error) {
	b, err := h.rdb.Get(ctx, h.key).Bytes()
	switch {
	case errors.Is(err, goredis.Nil):
		return SchedulerHealth{}, false, nil
	case err != nil:
		return SchedulerHealth{}, false, fmt.Errorf("read scheduler health: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return SchedulerHealth{}, false, fmt.Errorf("decode scheduler health: %w", err)
	}
	return s, true, nil
}

// maxUpdateAttempts bounds optimistic retries under contention.
const maxUpdateAttempts = 20

// Update applies fn to the current document (the zero value when there is
// none) and stores the result atomically: concurrent updaters of different
// parts (the trade and portfolio schedulers, the feed) never lose each
// other's changes. fn may run more than once and must not have side effects.
func (h *Health) Update(ctx context.Context, fn func(*SchedulerHealth)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	txf := func(tx *goredis.Tx) error {
		var s SchedulerHealth
		b, err := tx.Get(ctx, h.key).Bytes()
		switch {
		case errors.Is(err, goredis.Nil):
		case err != nil:
			return err
		default:
			if err := json.Unmarshal(b, &s); err != nil {
				return fmt.Errorf("decode scheduler health: %w", err)
			}
		}
		fn(&s)
		out, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("encode scheduler health: %w", err)
		}
		_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			p.Set(ctx, h.key, out, 0)
			return nil
		})
		return err
	}
	for range maxUpdateAttempts {
		err := h.rdb.Watch(ctx, txf, h.key)
		if !errors.Is(err, goredis.TxFailedErr) {
			if err != nil {
				return fmt.Errorf("update scheduler health: %w", err)
			}
			return nil
		}
	}
	return fmt.Errorf("update scheduler health: too much contention")
}
