package redis

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/retry"
)

// Subscription delivers the live events of a set of channels to one consumer,
// in order and without gaps: each pub/sub message names the event before it,
// and when that is not the last event delivered (a message was lost, or the
// connection dropped) the missing events are read from the stream first. If
// they have been trimmed away the consumer gets a Reset batch instead. A
// subscription starts at the channels' newest events: what came before is
// the consumer's to read with State and Since; the first batch of each
// channel is empty and says where that start is.
//
// Redis errors never end Run: the subscription resubscribes with backoff and
// repairs what it missed while disconnected.
type Subscription struct {
	log     *EventLog
	chans   []arena.Channel
	names   []string                 // pub/sub channel names, parallel to chans
	byName  map[string]arena.Channel // pub/sub channel name -> channel
	deliver func(arena.EventBatch)
	last    map[arena.Channel]string // last event ID delivered per channel
	ready   chan struct{}            // closed after the first sync
}

// catchUpPage is how many events a gap repair reads per round trip.
const catchUpPage = 500

// Subscribe returns a subscription to chs that calls deliver, from the Run
// goroutine only, with each batch. deliver must not block: it holds up every
// channel of the subscription. Unknown channels are ignored.
func (l *EventLog) Subscribe(chs []arena.Channel, deliver func(arena.EventBatch)) *Subscription {
	s := &Subscription{log: l, byName: make(map[string]arena.Channel), deliver: deliver,
		last: make(map[arena.Channel]string), ready: make(chan struct{})}
	for _, ch := range chs {
		k, ok := l.keys[ch]
		if !ok {
			continue
		}
		if _, dup := s.byName[k.stream]; dup {
			continue
		}
		s.chans = append(s.chans, ch)
		s.names = append(s.names, k.stream)
		s.byName[k.stream] = ch
	}
	return s
}

// Ready is closed once the subscription has subscribed and knows where every
// channel stands: events published after that are delivered. Use it for a
// readiness probe, or in tests.
func (s *Subscription) Ready() <-chan struct{} { return s.ready }

// Follow runs a subscription to chs until ctx is done; see Subscribe.
func (l *EventLog) Follow(ctx context.Context, chs []arena.Channel, deliver func(arena.EventBatch)) error {
	return l.Subscribe(chs, deliver).Run(ctx)
}

// Run delivers events until ctx is done, then returns nil. Run once. Redis failures are
// logged and retried with exponential backoff (with jitter) between
// Options.MinBackoff and MaxBackoff.
func (s *Subscription) Run(ctx context.Context) error {
	if len(s.chans) == 0 {
		return errors.New("run event subscription: no known channels")
	}
	backoff := retry.Backoff{Min: s.log.opts.MinBackoff, Max: s.log.opts.MaxBackoff}
	for {
		synced, err := s.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if synced {
			backoff.Reset()
		}
		wait := backoff.Next()
		s.log.log.Warn("event subscription interrupted; resubscribing", "err", err, "retry_in", wait)
		if retry.Sleep(ctx, wait) != nil {
			return nil
		}
	}
}

// session subscribes, brings every channel up to date and then follows the
// live messages until an error. synced reports whether it got that far.
func (s *Subscription) session(ctx context.Context) (synced bool, err error) {
	ps := s.log.rdb.Subscribe(ctx, s.names...)
	defer ps.Close()
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() }) // unblock a pending receive
	defer stop()

	early, err := s.awaitSubscribed(ctx, ps)
	if err != nil {
		return false, err
	}
	if err := s.sync(ctx); err != nil {
		return false, err
	}
	select {
	case <-s.ready:
	default:
		close(s.ready)
	}
	for _, m := range early {
		if err := s.handle(ctx, m); err != nil {
			return true, err
		}
	}
	return true, s.follow(ctx, ps)
}

// awaitSubscribed waits for Redis to confirm every channel and returns the
// messages that arrived meanwhile, to be handled once the channels are synced.
func (s *Subscription) awaitSubscribed(ctx context.Context, ps *goredis.PubSub) ([]*goredis.Message, error) {
	var early []*goredis.Message
	for confirmed := 0; confirmed < len(s.names); {
		msg, err := ps.ReceiveTimeout(ctx, 2*s.log.opts.PollInterval)
		if err != nil {
			return nil, fmt.Errorf("subscribe to events: %w", err)
		}
		switch m := msg.(type) {
		case *goredis.Subscription:
			confirmed++
		case *goredis.Message:
			early = append(early, m)
		}
	}
	return early, nil
}

// sync starts channels seen for the first time at their newest event (and
// tells the consumer so with an empty batch) and repairs, from the stream, what the others missed while unsubscribed.
func (s *Subscription) sync(ctx context.Context) error {
	var fresh []arena.Channel
	for _, ch := range s.chans {
		if _, known := s.last[ch]; !known {
			fresh = append(fresh, ch)
			continue
		}
		if err := s.catchUp(ctx, ch); err != nil {
			return err
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	tails, err := s.log.tails(ctx, fresh)
	if err != nil {
		return err
	}
	for i, ch := range fresh {
		s.last[ch] = tails[i]
		s.deliver(arena.EventBatch{Channel: ch, Prev: tails[i]})
	}
	return nil
}

// follow handles live messages. When nothing arrives for PollInterval it pings
// the connection and compares the stream tails with what was delivered, which
// catches a lost message that no later message would reveal; when not even the
// ping's answer arrives within two intervals the connection is declared dead.
func (s *Subscription) follow(ctx context.Context, ps *goredis.PubSub) error {
	poll := s.log.opts.PollInterval
	lastHeard := time.Now()
	for {
		msg, err := ps.ReceiveTimeout(ctx, poll)
		if err != nil {
			if !isTimeout(err) {
				return fmt.Errorf("receive events: %w", err)
			}
			if time.Since(lastHeard) > 2*poll {
				return fmt.Errorf("receive events: no answer from redis for %s", time.Since(lastHeard).Round(time.Millisecond))
			}
			if err := s.poll(ctx, ps); err != nil {
				return err
			}
			continue
		}
		lastHeard = time.Now()
		if m, ok := msg.(*goredis.Message); ok {
			if err := s.handle(ctx, m); err != nil {
				return err
			}
		}
	}
}

// poll pings the pub/sub connection and repairs channels whose stream moved
// past the last delivered event.
func (s *Subscription) poll(ctx context.Context, ps *goredis.PubSub) error {
	if err := ps.Ping(ctx); err != nil {
		return fmt.Errorf("ping event subscription: %w", err)
	}
	tails, err := s.log.tails(ctx, s.chans)
	if err != nil {
		return err
	}
	for i, ch := range s.chans {
		if arena.CompareEventIDs(tails[i], s.last[ch]) != 0 {
			if err := s.catchUp(ctx, ch); err != nil {
				return err
			}
		}
	}
	return nil
}

// handle delivers a message that directly follows the last delivered event,
// ignores one already delivered (read from the stream during a repair), and
// repairs the gap before any other.
func (s *Subscription) handle(ctx context.Context, m *goredis.Message) error {
	ch, ok := s.byName[m.Channel]
	if !ok {
		return nil
	}
	lm, err := parseLiveMessage(ch, m.Payload)
	if err != nil {
		s.log.log.Warn("malformed event message; repairing from history", "channel", ch, "err", err)
		return s.catchUp(ctx, ch)
	}
	last := s.last[ch]
	switch {
	case arena.CompareEventIDs(lm.event.ID, last) <= 0:
		return nil
	case lm.prev == last:
		s.last[ch] = lm.event.ID
		s.deliver(arena.EventBatch{Channel: ch, Prev: last, Events: []arena.Event{lm.event}})
		return nil
	default:
		return s.catchUp(ctx, ch)
	}
}

// catchUp delivers every event of ch after the last delivered one from the
// stream, or a Reset batch when they are no longer all there.
func (s *Subscription) catchUp(ctx context.Context, ch arena.Channel) error {
	for {
		events, ok, err := s.log.Since(ctx, ch, s.last[ch], catchUpPage)
		if err != nil {
			return fmt.Errorf("repair %s events: %w", ch, err)
		}
		if !ok {
			return s.reset(ctx, ch)
		}
		if len(events) > 0 {
			prev := s.last[ch]
			s.last[ch] = events[len(events)-1].ID
			s.deliver(arena.EventBatch{Channel: ch, Prev: prev, Events: events})
		}
		if len(events) < catchUpPage {
			return nil
		}
	}
}

func (s *Subscription) reset(ctx context.Context, ch arena.Channel) error {
	tails, err := s.log.tails(ctx, []arena.Channel{ch})
	if err != nil {
		return fmt.Errorf("reset %s events: %w", ch, err)
	}
	s.log.log.Warn("events lost beyond the history window; consumers resync from state", "channel", ch, "after", s.last[ch], "resume_at", tails[0])
	s.last[ch] = tails[0]
	s.deliver(arena.EventBatch{Channel: ch, Prev: tails[0], Reset: true})
	return nil
}

// tails returns the newest event ID of each channel (EventIDZero when empty).
func (l *EventLog) tails(ctx context.Context, chs []arena.Channel) ([]string, error) {
	cmds := make([]*goredis.XMessageSliceCmd, len(chs))
	_, err := l.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, ch := range chs {
			cmds[i] = p.XRevRangeN(ctx, l.keys[ch].stream, "+", "-", 1)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read event stream tails: %w", err)
	}
	out := make([]string, len(chs))
	for i, c := range cmds {
		out[i] = arena.EventIDZero
		if msgs := c.Val(); len(msgs) > 0 {
			out[i] = msgs[0].ID
		}
	}
	return out, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
