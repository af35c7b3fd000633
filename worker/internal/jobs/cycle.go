package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/agent"
)

// handleCycle starts the cycle of a slot: it closes cycles that can no
// longer finish, records the cycle with the models taking part, and
// enqueues one decision task per model, named by model and slot. A retried
// cycle task enqueues the same tasks, which asynq refuses as duplicates.
func (j *Jobs) handleCycle(ctx context.Context, t *asynq.Task) error {
	var p SlotPayload
	if err := decode(t, &p); err != nil {
		return err
	}
	if j.late(t.Type(), p.Slot, j.interval) {
		return nil
	}
	now := j.now()
	j.health.cycleStarted(now)
	j.runner.Prepare(ctx, p.Slot) // market data and standings, while the tasks are enqueued
	store := j.o.Store
	// A decision starts before its slot ends and its task times out
	// Timeout + expireGrace later: cycles older than that cannot finish.
	expired, err := store.ExpireCycles(ctx, now.Add(-j.interval-j.timeout-2*expireGrace),
		"the decision did not finish within its slot and the decision timeout")
	for _, r := range expired {
		j.cycleClosed(ctx, r)
	}
	if err != nil {
		return err
	}
	ids, err := j.runner.Participants(ctx)
	if err != nil {
		return err
	}
	if ids, err = store.StartCycle(ctx, p.Slot, ids); err != nil {
		return err
	}
	if len(ids) == 0 {
		r, err := store.CloseCycle(ctx, p.Slot)
		if r != nil {
			j.cycleClosed(ctx, *r)
		}
		return err
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	sem := make(chan struct{}, enqueueParallelism)
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = j.enqueueDecision(ctx, id, p.Slot)
		}()
	}
	wg.Wait()
	j.log.Info("decision cycle started", "slot", p.Slot, "models", len(ids))
	return errors.Join(errs...)
}

// enqueueParallelism bounds the concurrent enqueues of a cycle's tasks.
const enqueueParallelism = 8

func (j *Jobs) enqueueDecision(ctx context.Context, modelID string, slot time.Time) error {
	task, err := newTask(TypeDecide, DecidePayload{ModelID: modelID, Slot: slot})
	if err != nil {
		return err
	}
	_, err = j.client.EnqueueContext(ctx, task, asynq.Queue(j.queues.Trade), asynq.TaskID(decideTaskID(modelID, slot)),
		asynq.MaxRetry(j.o.MaxRetry), asynq.Timeout(j.timeout+expireGrace), asynq.Retention(j.interval))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("enqueue decision of %s: %w", modelID, err)
	}
	return nil
}

// decideResult is what a decision task writes as its result.
type decideResult struct {
	agent.Outcome
	Attempt int    `json:"attempt"`
	Final   bool   `json:"final"` // false: the task will be retried
	Error   string `json:"error,omitempty"`
}

// retryError asks for a decision's retry, after the provider's delay.
type retryError struct {
	after   time.Duration
	failure *arena.Failure
}

func (e *retryError) Error() string {
	if e.failure == nil {
		return "decision failed; retrying"
	}
	return "decision failed; retrying: " + e.failure.Error()
}

// handleDecide runs one model's decision of one slot. A decision that
// failed transiently without changing the account is retried (a new
// attempt, recorded as its own invocation); a permanent failure is
// recorded and not retried (SkipRetry). The slot's outcome for the model
// is recorded once the decision is final, and the last model to finish
// closes the cycle.
func (j *Jobs) handleDecide(ctx context.Context, t *asynq.Task) error {
	var p DecidePayload
	if err := decode(t, &p); err != nil {
		return err
	}
	attempt, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	res := decideResult{Attempt: attempt, Final: true}
	if j.now().After(p.Slot.Add(j.interval)) {
		res.Status, res.Detail = agent.Skipped, "the slot ended before the decision could start"
		if attempt > 0 { // an earlier attempt failed and recorded why
			res.Status, res.Detail = agent.Failed, "the slot ended while the decision was being retried"
			f, err := j.runner.LastFailure(ctx, p.ModelID, p.Slot)
			if err != nil {
				j.log.Warn("the failure of a retried decision could not be read", "model", p.ModelID, "err", err)
			}
			res.Failure = f
		}
		return j.decided(ctx, t, p, res, nil)
	}
	out, err := j.decide(ctx, agent.Decision{ModelID: p.ModelID, Slot: p.Slot, Attempt: attempt})
	res.Outcome = out
	j.o.Metrics.decided(p.ModelID, out, attempt < maxRetry && (err != nil || (out.Status == agent.Failed && out.Retryable)))
	switch {
	case err != nil && attempt < maxRetry:
		res.Final, res.Error = false, err.Error()
		j.writeResult(t, res)
		return fmt.Errorf("decision of %s: %w", p.ModelID, err)
	case err != nil:
		res.Status, res.Error = agent.Failed, err.Error()
		return j.decided(ctx, t, p, res, fmt.Errorf("decision of %s: %w", p.ModelID, err))
	case out.Status == agent.Failed && out.Retryable && attempt < maxRetry:
		res.Final = false
		j.writeResult(t, res)
		return &retryError{after: out.RetryAfter, failure: out.Failure}
	case out.Status == agent.Failed:
		return j.decided(ctx, t, p, res, fmt.Errorf("decision of %s failed: %v: %w", p.ModelID, out.Failure, asynq.SkipRetry))
	}
	return j.decided(ctx, t, p, res, nil)
}

// decided records the model's final outcome in the cycle, closes the cycle
// if it was the last, writes the task's result and returns taskErr (the
// error the task ends with). Should the outcome not be stored, the task
// fails so it is retried; the outcome is recorded once whatever happens.
func (j *Jobs) decided(ctx context.Context, t *asynq.Task, p DecidePayload, res decideResult, taskErr error) error {
	j.writeResult(t, res)
	detail := res.Detail
	if res.Failure != nil {
		detail = string(res.Failure.Reason) + "/" + res.Failure.Code
	} else if res.Error != "" {
		detail = res.Error
	}
	outcome := map[agent.Status]string{agent.Succeeded: arena.OutcomeSuccess, agent.Failed: arena.OutcomeFailed,
		agent.Skipped: arena.OutcomeSkipped}[res.Status]
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	closed, err := j.o.Store.FinishCycleModel(wctx, p.Slot, p.ModelID, outcome, detail)
	if err != nil {
		return errors.Join(taskErr, fmt.Errorf("record the cycle outcome of %s: %w", p.ModelID, err))
	}
	if closed != nil {
		j.cycleClosed(wctx, *closed)
	}
	return taskErr
}

func (j *Jobs) writeResult(t *asynq.Task, res decideResult) {
	rw := t.ResultWriter()
	if rw == nil { // not run by an asynq server
		return
	}
	b, err := json.Marshal(res)
	if err == nil {
		_, err = rw.Write(b)
	}
	if err != nil {
		j.log.Warn("decision result not written", "err", err)
	}
}

// cycleClosed reports a finished cycle: health, the workflow channel's
// batch:complete, a log line.
func (j *Jobs) cycleClosed(ctx context.Context, r arena.CycleResult) {
	j.health.cycleFinished(r)
	ev := agent.WorkflowEvent{Type: arena.EventBatchComplete, ModelIDs: r.ModelIDs, Timestamp: r.FinishedAt.UTC().Format("2006-01-02T15:04:05.000Z")}
	if ev.ModelIDs == nil {
		ev.ModelIDs = []string{}
	}
	if _, err := j.o.Events.Publish(ctx, arena.ChannelWorkflow, arena.EventBatchComplete, ev); err != nil {
		j.log.Warn("batch:complete not published", "err", err)
	}
	j.log.Info("decision cycle finished", "slot", r.Slot, "models", r.Models, "succeeded", r.Succeeded,
		"failed", r.Failed, "skipped", r.Skipped, "took", r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond))
}
