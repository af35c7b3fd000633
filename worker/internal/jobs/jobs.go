package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/sync/errgroup"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/logdedup"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/worker/internal/agent"
)

// Defaults.
const (
	DefaultMaxRetry      = 2                // decision retries after a transient provider failure (3 attempts)
	DefaultRetryBase     = 10 * time.Second // first decision retry delay, doubling, capped at a minute
	RetentionRawAge      = 7 * 24 * time.Hour
	RetentionHourAge     = 30 * 24 * time.Hour
	retentionInterval    = time.Hour
	retentionFirstDelay  = time.Minute // the first retention run after start, as in the reference
	cycleHistory         = 30 * 24 * time.Hour
	expireGrace          = time.Minute // margin of a decision task's asynq timeout over the decision's
	reservedWorkers      = 8           // workers beyond one per model, for commands and maintenance
	shutdownTimeout      = 15 * time.Second
	defaultPollInterval  = time.Second
	maxDecisionRetryWait = time.Minute
)

// Options configure Jobs.
type Options struct {
	Metrics *Metrics // optional: decision series
	Redis   goredis.UniversalClient
	Prefix  string // REDIS_PREFIX
	// Runner makes the decisions; its interval (TRADE_INTERVAL) and timeout
	// are the schedule's. Jobs runs its publisher (Run) until the task
	// server has shut down. Required.
	Runner *agent.Runner
	// Trader executes the API's commands and is snapshotted for the
	// portfolio; Store records cycles and snapshots; Events publishes the
	// cycles' and portfolio's events. Required.
	Trader agent.Trader
	Store  Store
	Events agent.Publisher
	// Health writes the scheduler health record (hand the same one to the
	// runner as agent.Options.OnRunning); default one on the record under
	// Prefix. Jobs runs it.
	Health *Health
	// LiveKill turns a live model's kill switch on (the API's live.kill);
	// nil: no model trades live, and the command says so.
	LiveKill          commands.LiveKillFunc
	PortfolioInterval time.Duration // PORTFOLIO_INTERVAL
	MaxRetry          int           // decision retries; default DefaultMaxRetry, -1 for none
	RetryBase         time.Duration // default DefaultRetryBase
	Concurrency       int           // asynq workers; default one per seat + 8
	Log               *slog.Logger
	// Now is the schedule's clock (slots, lateness, records); default
	// time.Now. Command expiry is always checked against the wall clock.
	Now func() time.Time
	// PollInterval is how often idle workers and the scheduled-task
	// forwarder look for work; default 1 s.
	PollInterval time.Duration
	// NoSchedule leaves the periodic tasks to the caller (EnqueueSlot);
	// for tests and one-off runs.
	NoSchedule bool
}

// Jobs is the worker's asynq side: the schedule, the task handlers and the
// command handlers.
type Jobs struct {
	o      Options
	queues Queues
	runner *agent.Runner
	// interval and timeout are the runner's: TRADE_INTERVAL and the bound
	// of one decision.
	interval, timeout time.Duration
	client            *asynq.Client
	health            *Health
	sched             *scheduler
	log               *slog.Logger
	now               func() time.Time
}

// New checks o.
func New(o Options) (*Jobs, error) {
	if o.Redis == nil || o.PortfolioInterval <= 0 {
		return nil, errors.New("jobs: Redis and a positive PortfolioInterval are required")
	}
	if o.Runner == nil || o.Trader == nil || o.Store == nil || o.Events == nil {
		return nil, errors.New("jobs: Runner, Trader, Store and Events are required")
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Health == nil {
		o.Health = NewHealth(redis.NewHealth(o.Redis, o.Prefix), o.Log.With("part", "health"), o.Now)
	}
	switch {
	case o.MaxRetry == 0:
		o.MaxRetry = DefaultMaxRetry
	case o.MaxRetry < 0:
		o.MaxRetry = 0
	}
	if o.RetryBase <= 0 {
		o.RetryBase = DefaultRetryBase
	}
	if o.Concurrency <= 0 {
		o.Concurrency = o.Runner.Seats() + reservedWorkers
	}
	if o.PollInterval <= 0 {
		o.PollInterval = defaultPollInterval
	}
	j := &Jobs{o: o, queues: QueuesFor(o.Prefix), client: asynq.NewClientFromRedisClient(o.Redis),
		health: o.Health, runner: o.Runner, interval: o.Runner.Interval(), timeout: o.Runner.Timeout(), log: o.Log, now: o.Now}
	j.sched = &scheduler{client: j.client, tasks: j.periodic(), log: o.Log.With("part", "scheduler"), now: o.Now}
	return j, nil
}

// Queues returns the queues Jobs processes.
func (j *Jobs) Queues() Queues { return j.queues }

// Run processes tasks (and, unless NoSchedule, schedules the periodic
// ones) until ctx ends, then shuts down gracefully: running tasks get
// shutdownTimeout to finish before asynq puts them back.
func (j *Jobs) Run(ctx context.Context) error {
	srv := asynq.NewServerFromRedisClient(j.o.Redis, asynq.Config{
		Concurrency:              j.o.Concurrency,
		Queues:                   j.queues.weights(),
		RetryDelayFunc:           j.retryDelay,
		Logger:                   asynqLogger{log: j.log.With("part", "asynq"), seen: logdedup.New(30 * time.Second)},
		LogLevel:                 asynq.WarnLevel,
		ShutdownTimeout:          shutdownTimeout,
		TaskCheckInterval:        j.o.PollInterval,
		DelayedTaskCheckInterval: j.o.PollInterval,
		ErrorHandler:             asynq.ErrorHandlerFunc(j.taskFailed),
	})
	if err := srv.Start(j.mux()); err != nil {
		return fmt.Errorf("start asynq server: %w", err)
	}
	j.health.started(j.now())
	// The feed and the health writer outlive ctx until the server has shut
	// down, so the decisions that finish during shutdown are still
	// published and reported.
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	var g errgroup.Group
	g.Go(func() error { return j.health.run(bg) })
	g.Go(func() error { return j.runner.Run(bg) })
	if !j.o.NoSchedule {
		g.Go(func() error { return j.sched.run(ctx) })
	}
	j.log.Info("jobs started", "queues", []string{j.queues.Trade, j.queues.Maintenance, j.queues.Commands},
		"workers", j.o.Concurrency, "tradeInterval", j.interval, "portfolioInterval", j.o.PortfolioInterval)
	<-ctx.Done()
	srv.Shutdown() // running tasks finish, or go back to their queue after shutdownTimeout
	stopBG()
	return g.Wait() // the asynq client shares the caller's Redis client: nothing to close
}

// executedChecker is what a trader offers to tell whether an order id
// already has an outcome.
type executedChecker interface {
	Executed(ctx context.Context, accountID, orderID string) (bool, error)
}

func (j *Jobs) mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeTradeCycle, j.handleCycle)
	mux.HandleFunc(TypeDecide, j.handleDecide)
	mux.HandleFunc(TypePortfolioSnapshot, j.handleSnapshot)
	mux.HandleFunc(TypePortfolioRetention, j.handleRetention)
	// A command's expiry was set by the API's wall clock: compare with ours.
	var known []commands.KnownFunc
	if k, ok := j.o.Trader.(executedChecker); ok { // the simulator: an id that executed is never answered "expired"
		known = append(known, k.Executed)
	}
	mux.Handle(commands.TypePlaceOrder, commands.PlaceOrderHandler(j.placeOrder, time.Now, known...))
	mux.Handle(commands.TypeResetAccount, commands.ResetAccountHandler(j.resetAccount, time.Now))
	kill := j.o.LiveKill
	if kill == nil {
		kill = func(context.Context, commands.LiveKill) (commands.LiveKillResult, error) {
			return commands.LiveKillResult{Failure: &commands.Failure{Code: arena.CodeNotFound,
				Message: "no model trades live on this worker (TRADING_MODE=simulated)"}}, nil
		}
	}
	mux.Handle(commands.TypeLiveKill, commands.LiveKillHandler(kill))
	return mux
}

// periodic is the schedule. A periodic task that runs after its slot
// ended (a backlog, a worker down) is skipped by its handler: the next
// slot's task does the work.
func (j *Jobs) periodic() []periodic {
	interval := j.interval
	return []periodic{
		{typ: TypeTradeCycle, queue: j.queues.Trade, every: interval, opts: func(slot time.Time) []asynq.Option {
			return []asynq.Option{asynq.MaxRetry(3), asynq.Timeout(time.Minute), asynq.Retention(interval)}
		}},
		{typ: TypePortfolioSnapshot, queue: j.queues.Maintenance, every: j.o.PortfolioInterval, opts: func(time.Time) []asynq.Option {
			every := j.o.PortfolioInterval
			return []asynq.Option{asynq.MaxRetry(1), asynq.Timeout(every), asynq.Retention(every)}
		}},
		{typ: TypePortfolioRetention, queue: j.queues.Maintenance, every: retentionInterval, delay: retentionFirstDelay,
			opts: func(time.Time) []asynq.Option {
				return []asynq.Option{asynq.MaxRetry(3), asynq.Timeout(10 * time.Minute), asynq.Retention(retentionInterval)}
			}},
	}
}

// EnqueueSlot enqueues the periodic task typ for slot now, as the schedule
// would; a slot already enqueued is not enqueued again.
func (j *Jobs) EnqueueSlot(ctx context.Context, typ string, slot time.Time) error {
	for _, p := range j.sched.tasks {
		if p.typ == typ {
			return p.enqueue(ctx, j.client, slot)
		}
	}
	return fmt.Errorf("jobs: %q is not a periodic task", typ)
}

// late reports whether a task of slot, which lasts every, is run after
// the slot ended.
func (j *Jobs) late(typ string, slot time.Time, every time.Duration) bool {
	if j.now().Before(slot.Add(every)) {
		return false
	}
	j.log.Warn("periodic task ran after its slot ended; skipped", "type", typ, "slot", slot)
	return true
}

// retryDelay waits before a decision's retry for the provider's
// Retry-After when it gave one, else RetryBase doubling per retry, at most
// a minute; other tasks back off as asynq does.
func (j *Jobs) retryDelay(n int, err error, t *asynq.Task) time.Duration {
	if t.Type() != TypeDecide {
		return asynq.DefaultRetryDelayFunc(n, err, t)
	}
	d := min(j.o.RetryBase<<min(n, 10), maxDecisionRetryWait)
	var re *retryError
	if errors.As(err, &re) && re.after > d {
		d = min(re.after, maxDecisionRetryWait)
	}
	return d
}

// taskFailed logs a task's final failure.
func (j *Jobs) taskFailed(ctx context.Context, t *asynq.Task, err error) {
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	id, _ := asynq.GetTaskID(ctx)
	if retried >= maxRetry || errors.Is(err, asynq.SkipRetry) {
		j.log.Warn("task failed for good", "type", t.Type(), "id", id, "attempts", retried+1, "err", err)
		return
	}
	j.log.Info("task failed; it will be retried", "type", t.Type(), "id", id, "attempt", retried+1, "err", err)
}

// Store is what the schedule reads and records beside the agents' own
// records (the Postgres adapter's Agents implements it): the fills and
// epoch the API's commands answer with, each model's turn of a cycle, and
// the accounts' equity snapshots and their retention.
type Store interface {
	OrderFills(ctx context.Context, modelID, orderID string) ([]arena.LedgerFill, error)
	AccountEpoch(ctx context.Context, modelID string) (int, error)
	// StartCycle records the cycle of slot with its models unless it
	// exists, and returns the models it holds; CloseCycle closes a cycle
	// with no model; ExpireCycles closes the cycles started before before,
	// their pending models failed with detail.
	StartCycle(ctx context.Context, slot time.Time, modelIDs []string) ([]string, error)
	CloseCycle(ctx context.Context, slot time.Time) (*arena.CycleResult, error)
	ExpireCycles(ctx context.Context, before time.Time, detail string) ([]arena.CycleResult, error)
	// FinishCycleModel records modelID's outcome (arena.Outcome*) in the
	// cycle of slot and returns the cycle when that closed it, else nil.
	FinishCycleModel(ctx context.Context, slot time.Time, modelID, outcome, detail string) (*arena.CycleResult, error)
	DeleteCyclesBefore(ctx context.Context, before time.Time) (int64, error)
	InsertSnapshots(ctx context.Context, at time.Time, snaps []arena.EquitySnapshot) (int, error)
	RollUpSnapshots(ctx context.Context, now time.Time, rawAge, hourAge time.Duration) (arena.SnapshotRollUp, error)
}
