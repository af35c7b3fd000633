package rpc

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/autonome-go/autonome/shared/redis"
)

// healthHandler serves /health, /api/health and /health/schedulers from
// the scheduler health the worker writes to Redis. The answer is 200 when
// every scheduler is healthy and 503 ("degraded") otherwise, so a load
// balancer or uptime check can act on the status code alone.
type healthHandler struct {
	src       HealthSource
	now       func() time.Time
	startedAt time.Time // this API process
	log       *slog.Logger
	failing   *outageLog
}

type schedulerStatus struct {
	Healthy bool    `json:"healthy"`
	LastRun *string `json:"lastRun"` // ISO, null when it never ran
	AgeMs   *int64  `json:"ageMs"`
}

type feedStatus struct {
	Healthy    bool    `json:"healthy"`
	LastUpdate *string `json:"lastUpdate"`
	AgeMs      *int64  `json:"ageMs"`
	Source     string  `json:"source,omitempty"`
}

type healthBody struct {
	Status          string  `json:"status"` // ok or degraded
	Timestamp       string  `json:"timestamp"`
	ServerStartedAt *string `json:"serverStartedAt"` // the worker's start
	UptimeSeconds   int64   `json:"uptimeSeconds"`   // the worker's uptime
	APIStartedAt    string  `json:"apiStartedAt"`
	Schedulers      struct {
		Trade     schedulerStatus `json:"trade"`
		Portfolio schedulerStatus `json:"portfolio"`
	} `json:"schedulers"`
	Feed feedStatus `json:"feed"`
	// Live lists the seats trading on Lighter; one not healthy (halted
	// by reconciliation, venue unreadable, account stream down) degrades.
	Live  []redis.LiveHealth `json:"live,omitempty"`
	Error string             `json:"error,omitempty"`
}

type runningModel struct {
	ID                string `json:"id"`
	RunningForSeconds int64  `json:"runningForSeconds"`
}

type cycleStats struct {
	StartedAt  string `json:"startedAt"`
	FinishedAt string `json:"finishedAt"`
	Models     int    `json:"models"`
	Succeeded  int    `json:"succeeded"`
	Failed     int    `json:"failed"`
	Skipped    int    `json:"skipped"`
}

type schedulersBody struct {
	healthBody
	ModelsCurrentlyRunning   []runningModel `json:"modelsCurrentlyRunning"`
	ConsecutiveFailedCycles  int            `json:"consecutiveFailedCycles"`
	LastSuccessfulCompletion *string        `json:"lastSuccessfulCompletion"`
	LastCycleStats           *cycleStats    `json:"lastCycleStats"`
	PortfolioLastSuccess     *string        `json:"portfolioLastSuccess"`
}

func (h healthHandler) summary(w http.ResponseWriter, r *http.Request) {
	body, _, now := h.evaluate(r.Context())
	writeHealth(w, body.Status, body, now)
}

func (h healthHandler) schedulers(w http.ResponseWriter, r *http.Request) {
	body, s, now := h.evaluate(r.Context())
	out := schedulersBody{healthBody: body, ModelsCurrentlyRunning: []runningModel{}}
	out.ConsecutiveFailedCycles = s.Trade.ConsecutiveFailedCycles
	out.LastSuccessfulCompletion = isoPtr(s.Trade.LastSuccess)
	out.PortfolioLastSuccess = isoPtr(s.Portfolio.LastSuccess)
	for _, m := range s.Trade.ModelsRunning {
		out.ModelsCurrentlyRunning = append(out.ModelsCurrentlyRunning,
			runningModel{ID: m.ID, RunningForSeconds: int64(now.Sub(m.StartedAt) / time.Second)})
	}
	if c := s.Trade.LastCycle; c != nil {
		out.LastCycleStats = &cycleStats{StartedAt: ISO(c.StartedAt), FinishedAt: ISO(c.FinishedAt),
			Models: c.Models, Succeeded: c.Succeeded, Failed: c.Failed, Skipped: c.Skipped}
	}
	writeHealth(w, body.Status, out, now)
}

// evaluate reads the worker's report and applies the health rules.
func (h healthHandler) evaluate(ctx context.Context) (healthBody, redis.SchedulerHealth, time.Time) {
	now := h.now()
	b := healthBody{Status: "degraded", Timestamp: ISO(now), APIStartedAt: ISO(h.startedAt)}
	var s redis.SchedulerHealth
	var ok bool
	var err error
	if h.src != nil {
		s, ok, err = h.src.Read(ctx)
	}
	switch {
	case err != nil:
		h.failing.log(h.log, slog.LevelWarn, "read scheduler health", "err", err)
		b.Error = "scheduler health is unavailable"
		return b, s, now
	case !ok:
		b.Error = "the worker has not reported yet"
		return b, s, now
	}
	b.ServerStartedAt = isoPtr(s.WorkerStartedAt)
	if !s.WorkerStartedAt.IsZero() {
		b.UptimeSeconds = int64(now.Sub(s.WorkerStartedAt) / time.Second)
	}
	b.Schedulers.Trade = status(s.TradeHealthy(now), s.Trade.LastRun, now)
	b.Schedulers.Portfolio = status(s.PortfolioHealthy(now), s.Portfolio.LastRun, now)
	fs := status(s.FeedHealthy(now), s.Feed.LastUpdate, now)
	b.Feed = feedStatus{Healthy: fs.Healthy, LastUpdate: fs.LastRun, AgeMs: fs.AgeMs, Source: s.Feed.Source}
	b.Live = s.Live
	if b.Schedulers.Trade.Healthy && b.Schedulers.Portfolio.Healthy && b.Feed.Healthy && s.LiveHealthy() {
		b.Status = "ok"
	}
	return b, s, now
}

func status(healthy bool, last, now time.Time) schedulerStatus {
	st := schedulerStatus{Healthy: healthy, LastRun: isoPtr(last)}
	if !last.IsZero() {
		age := now.Sub(last).Milliseconds()
		st.AgeMs = &age
	}
	return st
}

func isoPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := ISO(t)
	return &s
}

func writeHealth(w http.ResponseWriter, st string, body any, _ time.Time) {
	b, err := json.Marshal(body)
	if err != nil {
		http.Error(w, `{"status":"degraded"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	code := http.StatusOK
	if st != "ok" {
		code = http.StatusServiceUnavailable
	}
	w.WriteHeader(code)
	_, _ = w.Write(b)
}
