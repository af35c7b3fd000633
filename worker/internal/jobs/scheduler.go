package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/retry"
)

// periodic is a task enqueued once per slot of its interval, at the slot's
// start. Its task id carries the slot, so enqueueing a slot twice (a
// restart within the slot, a second scheduler) is refused by asynq.
type periodic struct {
	typ   string
	queue string
	every time.Duration
	delay time.Duration // the first enqueue waits this long after start
	opts  func(slot time.Time) []asynq.Option
}

// enqueue enqueues p's task of slot: on its queue, under the slot's task
// id (so a slot is enqueued once, whoever enqueues it), with p's options.
func (p periodic) enqueue(ctx context.Context, client *asynq.Client, slot time.Time) error {
	task, err := newTask(p.typ, SlotPayload{Slot: slot})
	if err != nil {
		return err
	}
	opts := append([]asynq.Option{asynq.Queue(p.queue), asynq.TaskID(slotTaskID(p.typ, slot))}, p.opts(slot)...)
	_, err = client.EnqueueContext(ctx, task, opts...)
	return err
}

// scheduler enqueues the periodic tasks. It replaces asynq.Scheduler,
// whose cron entries would enqueue once per process; here the slot in the
// task id makes the schedule idempotent across processes.
type scheduler struct {
	client *asynq.Client
	tasks  []periodic
	log    *slog.Logger
	now    func() time.Time
}

func (s *scheduler) run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, p := range s.tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(ctx, p)
		}()
	}
	wg.Wait()
	return nil
}

// loop enqueues p's current slot (after p.delay), then each slot as it
// starts, until ctx ends.
func (s *scheduler) loop(ctx context.Context, p periodic) {
	if retry.Sleep(ctx, p.delay) != nil {
		return
	}
	for {
		slot := slotOf(s.now(), p.every)
		s.enqueue(ctx, p, slot)
		if retry.Sleep(ctx, slot.Add(p.every).Sub(s.now())) != nil {
			return
		}
	}
}

func (s *scheduler) enqueue(ctx context.Context, p periodic, slot time.Time) {
	err := p.enqueue(ctx, s.client, slot)
	switch {
	case err == nil:
		s.log.Debug("periodic task enqueued", "type", p.typ, "slot", slot)
	case errors.Is(err, asynq.ErrTaskIDConflict):
		s.log.Debug("periodic task already enqueued", "type", p.typ, "slot", slot)
	case ctx.Err() == nil:
		s.log.Warn("periodic task not enqueued; the slot is skipped", "type", p.typ, "slot", slot, "err", err)
	}
}
