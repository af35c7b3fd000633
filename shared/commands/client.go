package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
)

// DefaultRetention is how long a finished command and its result stay in
// Redis: a client retrying within it gets the original result back.
const DefaultRetention = 24 * time.Hour

// Client sends commands and waits for the worker's result. It is safe for
// concurrent use and holds no connection of its own: the Redis client it is
// given belongs to the caller, who closes it.
type Client struct {
	rdb       goredis.UniversalClient
	enq       *asynq.Client
	insp      *asynq.Inspector
	queue     string
	retention time.Duration
	maxPoll   time.Duration
}

// NewClient returns a client for queue (see Queue) on rdb.
func NewClient(rdb goredis.UniversalClient, queue string) *Client {
	return &Client{
		rdb:       rdb,
		enq:       asynq.NewClientFromRedisClient(rdb),
		insp:      asynq.NewInspectorFromRedisClient(rdb),
		queue:     queue,
		retention: DefaultRetention,
		maxPoll:   100 * time.Millisecond,
	}
}

// PlaceOrder enqueues p (unless a task for the same account and client
// order id exists, in which case it waits for that one) and returns the
// worker's result. It fails with a coded error: CodeTimeout when ctx ends
// first or the outcome is unknown (the order may still execute; calling
// again with the same client order id returns its result), CodeConflict
// when the client order id was used for a different order or its command
// expired unexecuted (final: the id is spent), the worker's own code for a
// Failure.
func (c *Client) PlaceOrder(ctx context.Context, p PlaceOrder) (OrderResult, error) {
	if err := p.Validate(); err != nil {
		return OrderResult{}, err
	}
	task, err := NewPlaceOrderTask(p)
	if err != nil {
		return OrderResult{}, err
	}
	return call[OrderResult, PlaceOrderResult](ctx, c, task, p.TaskID(), true, func(payload []byte) bool {
		var q PlaceOrder
		return json.Unmarshal(payload, &q) == nil && sameOrder(p, q)
	})
}

// forgetTransient drops a finished task whose answer is not an outcome:
// a temporary failure (the ledger or the queue unavailable: nothing
// executed) or, for an idempotent command, the worker's "did not finish in
// time" (it answers an id it knows with the recorded result). Sending the
// command again under the same id then runs it instead of hearing the same
// answer for as long as results are kept. Only final outcomes, "expired,
// not executed" among them, stay remembered under an id.
func (c *Client) forgetTransient(f *Failure, id string, idempotent bool) {
	switch {
	case f.Code == arena.CodeUnavailable || f.Code == arena.CodeRateLimited:
	case f.Code == arena.CodeTimeout && idempotent:
	default:
		return
	}
	_ = c.insp.DeleteTask(c.queue, id) // if it stays, a resend gets this answer again: no worse than before
}

// ResetAccount enqueues r and returns the worker's result, with the errors
// PlaceOrder has.
func (c *Client) ResetAccount(ctx context.Context, r ResetAccount) (ResetOutcome, error) {
	if err := r.Validate(); err != nil {
		return ResetOutcome{}, err
	}
	task, err := NewResetAccountTask(r)
	if err != nil {
		return ResetOutcome{}, err
	}
	return call[ResetOutcome, ResetAccountResult](ctx, c, task, r.TaskID(), false, func(payload []byte) bool {
		var q ResetAccount
		return json.Unmarshal(payload, &q) == nil && q.AccountID == r.AccountID
	})
}

// KillLive enqueues k and returns the worker's result, with the errors
// PlaceOrder has. Killing is idempotent: a kill sent again (after a
// TIMEOUT) turns on what is already on.
func (c *Client) KillLive(ctx context.Context, k LiveKill) (LiveKillOutcome, error) {
	if err := k.Validate(); err != nil {
		return LiveKillOutcome{}, err
	}
	task, err := NewLiveKillTask(k)
	if err != nil {
		return LiveKillOutcome{}, err
	}
	return call[LiveKillOutcome, LiveKillResult](ctx, c, task, k.TaskID(), true, func(payload []byte) bool {
		var q LiveKill
		return json.Unmarshal(payload, &q) == nil && q.Model == k.Model
	})
}

// result is a command's answer as the worker stores it: its outcome or
// its failure.
type result[T any] interface {
	outcome() (*T, *Failure)
}

// call runs a command (see run) and reads its answer R: the outcome, or
// the failure as an error (forgetting a transient one, see
// forgetTransient); an answer that is unreadable or empty is INTERNAL.
func call[T any, R result[T]](ctx context.Context, c *Client, task *asynq.Task, id string, idempotent bool, same func([]byte) bool) (T, error) {
	var zero T
	raw, err := c.run(ctx, task, id, idempotent, same)
	if err != nil {
		return zero, err
	}
	var res R
	if err := json.Unmarshal(raw, &res); err != nil {
		return zero, arena.WrapError(arena.CodeInternal, err, "the worker's answer is unreadable")
	}
	out, failure := res.outcome()
	switch {
	case failure != nil:
		c.forgetTransient(failure, id, idempotent)
		return zero, failure.Err()
	case out == nil:
		return zero, arena.Errorf(arena.CodeInternal, "the worker's answer is empty")
	}
	return *out, nil
}

// run enqueues task under id, or joins the existing task with that id when
// same accepts its payload, and waits for its result. idempotent says the
// worker answers a repeated command with its first outcome (orders, by
// client order id): such a command whose task was lost with its worker (the
// lease expired; no result) is run again to get that outcome.
func (c *Client) run(ctx context.Context, task *asynq.Task, id string, idempotent bool, same func([]byte) bool) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		res, err := c.runOnce(ctx, task, id, idempotent, same)
		// The task this call joined was lost with its worker while we
		// waited: an idempotent command is run again under the same id (the
		// worker answers its recorded outcome), instead of telling the
		// caller to send it again.
		if err == errUnknown && idempotent && attempt < 3 && ctx.Err() == nil {
			continue
		}
		return res, err
	}
}

func (c *Client) runOnce(ctx context.Context, task *asynq.Task, id string, idempotent bool, same func([]byte) bool) ([]byte, error) {
	// No asynq deadline: one that passes while the worker executes the
	// command archives the task as "deadline exceeded" after it executed,
	// indistinguishable from a task never received. The worker refuses a
	// command received after the payload's own expiry (ErrExpired, a
	// truthful "not executed"), and otherwise runs it to its outcome.
	opts := []asynq.Option{
		asynq.Queue(c.queue), asynq.TaskID(id), asynq.MaxRetry(0),
		asynq.Retention(c.retention),
	}
	_, err := c.enq.EnqueueContext(ctx, task, opts...)
	switch {
	case errors.Is(err, asynq.ErrTaskIDConflict):
		info, ierr := c.insp.GetTaskInfo(c.queue, id)
		if ierr == nil && !same(info.Payload) {
			return nil, arena.Errorf(arena.CodeConflict, "this id was already used for a different command")
		}
		if ierr == nil && idempotent && lostWithWorker(info) {
			if err := c.rerun(ctx, task, id, opts); err != nil {
				return nil, err
			}
		}
	case ctx.Err() != nil:
		return nil, c.timeout(ctx)
	case err != nil:
		return nil, arena.WrapError(arena.CodeUnavailable, err, "the command queue is unavailable")
	}
	return c.wait(ctx, id, func() error { return c.register(ctx, task, opts) })
}

// lostWithWorker reports a task archived without a result because its
// worker died while running it (asynq's recoverer archived it when its
// lease expired) or its time ran out (a task enqueued with a deadline by an
// earlier version): whether it executed is unknown to the queue.
func lostWithWorker(info *asynq.TaskInfo) bool {
	return info.State == asynq.TaskStateArchived && len(info.Result) == 0 &&
		(strings.Contains(info.LastErr, asynq.ErrLeaseExpired.Error()) ||
			strings.Contains(info.LastErr, context.DeadlineExceeded.Error()))
}

// rerun replaces a task lost with its worker by a new one under the same id.
func (c *Client) rerun(ctx context.Context, task *asynq.Task, id string, opts []asynq.Option) error {
	if err := c.insp.DeleteTask(c.queue, id); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
		return arena.WrapError(arena.CodeUnavailable, err, "the command queue is unavailable")
	}
	if _, err := c.enq.EnqueueContext(ctx, task, opts...); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return arena.WrapError(arena.CodeUnavailable, err, "the command queue is unavailable")
	}
	return nil
}

// register makes asynq record the queue again after Redis lost its data:
// an asynq client registers a queue only on its first enqueue, so a fresh
// one enqueues the task again (a conflict when the task still exists).
func (c *Client) register(ctx context.Context, task *asynq.Task, opts []asynq.Option) error {
	_, err := asynq.NewClientFromRedisClient(c.rdb).EnqueueContext(ctx, task, opts...)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return err
	}
	return nil
}

// errUnknown answers a command whose outcome the queue can no longer tell.
var errUnknown = &arena.Error{Code: arena.CodeTimeout,
	Message: "the command's outcome is unknown (its worker or the queue restarted): send it again with the same id to get its result"}

// wait polls the task until the worker finished it or ctx ends. register
// is called once if the queue turns out to be unknown to asynq.
func (c *Client) wait(ctx context.Context, id string, register func() error) ([]byte, error) {
	delay := 5 * time.Millisecond
	timer := time.NewTimer(delay)
	defer timer.Stop()
	registered := false
	for {
		info, err := c.insp.GetTaskInfo(c.queue, id)
		switch {
		case errors.Is(err, asynq.ErrQueueNotFound) && !registered:
			registered = true
			if rerr := register(); rerr != nil {
				return nil, arena.WrapError(arena.CodeUnavailable, rerr, "the command queue is unavailable")
			}
			continue
		case errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound):
			return nil, errUnknown
		case err != nil && ctx.Err() == nil:
			return nil, arena.WrapError(arena.CodeUnavailable, err, "the command queue is unavailable")
		case err == nil && info.State == asynq.TaskStateCompleted:
			return info.Result, nil
		case err == nil && info.State == asynq.TaskStateArchived:
			if len(info.Result) > 0 {
				return info.Result, nil
			}
			if lostWithWorker(info) {
				return nil, errUnknown
			}
			return nil, &arena.Error{Code: arena.CodeInternal, Message: "the worker failed to execute the command",
				Err: fmt.Errorf("task %s archived: %s", id, info.LastErr)}
		}
		select {
		case <-ctx.Done():
			return nil, c.timeout(ctx)
		case <-timer.C:
		}
		delay = min(delay*2, c.maxPoll)
		timer.Reset(delay)
	}
}

func (c *Client) timeout(ctx context.Context) error {
	return arena.WrapError(arena.CodeTimeout, context.Cause(ctx),
		"the worker did not answer in time; the command may still execute: send it again with the same id to get its result")
}

// sameOrder reports whether two payloads ask for the same order (times aside).
func sameOrder(a, b PlaceOrder) bool {
	conf := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	return a.AccountID == b.AccountID && a.ClientOrderID == b.ClientOrderID && a.Symbol == b.Symbol &&
		a.Side == b.Side && a.Type == b.Type && a.Quantity == b.Quantity && a.LimitPrice == b.LimitPrice &&
		a.Leverage == b.Leverage && conf(a.Confidence) == conf(b.Confidence)
}
