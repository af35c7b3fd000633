package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
)

// EventLog is the durable side of event fan-out. Every event is appended to a
// Redis stream per channel (bounded to MaxLen entries: the resume window) and
// published on a pub/sub channel in one atomic step, so the stream entry ID is
// the event ID everywhere: in every relay, in every browser's Last-Event-ID.
// A channel may also carry a current-state snapshot, replaced atomically with
// the event that changed it, which is what a new client is sent first.
//
// Keys (P = Options.Prefix, C = channel name):
//
//	P events:{C}   stream: one entry per event, fields t (type), ts (unix µs), d (JSON data)
//	P state:{C}    hash: d (snapshot JSON), id (ID of the event that wrote it)
//
// The pub/sub channel is named like the stream. The braces are Redis Cluster
// hash tags, so a channel's stream and state live in one slot. Requires Redis
// 7.0 or later (XSETID MAXDELETEDID, XINFO max-deleted-entry-id).
type EventLog struct {
	rdb  goredis.UniversalClient
	opts EventLogOptions
	keys map[arena.Channel]channelKeys
	log  *slog.Logger
}

// EventLogOptions configures an EventLog. Zero values take the defaults shown.
type EventLogOptions struct {
	// Prefix is prepended to every key and pub/sub channel name, e.g. "autonome:".
	Prefix string
	// MaxLen is the number of events kept per channel (exact trimming): how far
	// back a reconnecting client can resume. Default 10 000.
	MaxLen int64
	// PollInterval is how often a subscription that has received nothing checks
	// the stream tails and pings its connection, so a lost trailing message or a
	// silently dead connection is noticed. Default 5 s.
	PollInterval time.Duration
	// MinBackoff and MaxBackoff bound the delay before a subscription
	// resubscribes after a Redis error; it doubles per failure, with jitter.
	// Defaults 100 ms and 10 s.
	MinBackoff, MaxBackoff time.Duration
	// Logger receives subscription errors (which are retried, not returned).
	// Default slog.Default().
	Logger *slog.Logger
}

// Default option values.
const (
	DefaultEventLogMaxLen = 10_000
	DefaultPollInterval   = 5 * time.Second
	DefaultMinBackoff     = 100 * time.Millisecond
	DefaultMaxBackoff     = 10 * time.Second
)

// maxSinceLimit caps one page of history.
const maxSinceLimit = 10_000

// maxTypeLen bounds an event type; types are short constants like "positions:updated".
const maxTypeLen = 64

type channelKeys struct {
	stream string // also the pub/sub channel name
	state  string
}

// NewEventLog returns an EventLog over rdb for every arena channel.
func NewEventLog(rdb goredis.UniversalClient, opts EventLogOptions) *EventLog {
	if opts.MaxLen <= 0 {
		opts.MaxLen = DefaultEventLogMaxLen
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(DefaultMaxBackoff, opts.MinBackoff)
	}
	l := &EventLog{rdb: rdb, opts: opts, keys: make(map[arena.Channel]channelKeys), log: opts.Logger}
	if l.log == nil {
		l.log = slog.Default()
	}
	for _, ch := range arena.Channels() {
		l.keys[ch] = channelKeys{
			stream: opts.Prefix + "events:{" + string(ch) + "}",
			state:  opts.Prefix + "state:{" + string(ch) + "}",
		}
	}
	return l
}

func (l *EventLog) channelKeys(ch arena.Channel) (channelKeys, error) {
	k, ok := l.keys[ch]
	if !ok {
		return k, arena.Errorf(arena.CodeInvalid, "unknown event channel %q", ch)
	}
	return k, nil
}

// Publish appends an event of type typ with data (marshalled to JSON) to ch's
// history and publishes it to subscribers, atomically. The returned event
// carries the ID Redis assigned.
func (l *EventLog) Publish(ctx context.Context, ch arena.Channel, typ string, data any) (arena.Event, error) {
	return l.publish(ctx, ch, typ, data, nil, false)
}

// PublishState is Publish that also replaces ch's current-state snapshot with
// state (marshalled to JSON) in the same atomic step. The snapshot is what a
// new client receives first, e.g. the full positions array; data is the
// event's own payload (often the same value).
func (l *EventLog) PublishState(ctx context.Context, ch arena.Channel, typ string, data, state any) (arena.Event, error) {
	return l.publish(ctx, ch, typ, data, state, true)
}

func (l *EventLog) publish(ctx context.Context, ch arena.Channel, typ string, data, state any, withState bool) (arena.Event, error) {
	k, err := l.channelKeys(ch)
	if err != nil {
		return arena.Event{}, err
	}
	if err := validType(typ); err != nil {
		return arena.Event{}, err
	}
	d, err := json.Marshal(data)
	if err != nil {
		return arena.Event{}, fmt.Errorf("publish %s event %q: encode data: %w", ch, typ, err)
	}
	now := time.Now()
	ts := strconv.FormatInt(now.UnixMicro(), 10)
	keys := []string{k.stream}
	args := []any{k.stream, l.opts.MaxLen, typ, ts, d}
	if withState {
		s, err := json.Marshal(state)
		if err != nil {
			return arena.Event{}, fmt.Errorf("publish %s event %q: encode state: %w", ch, typ, err)
		}
		keys = append(keys, k.state)
		args = append(args, s)
	}
	id, err := publishScript.Run(ctx, l.rdb, keys, args...).Text()
	if err != nil {
		return arena.Event{}, fmt.Errorf("publish %s event %q: %w", ch, typ, err)
	}
	return arena.Event{ID: id, Channel: ch, Type: typ, Time: time.UnixMicro(now.UnixMicro()).UTC(), Data: d}, nil
}

func validType(typ string) error {
	if typ == "" || len(typ) > maxTypeLen || strings.ContainsAny(typ, "\r\n") {
		return arena.Errorf(arena.CodeInvalid, "invalid event type %q", typ)
	}
	return nil
}

// State returns ch's current-state snapshot (nil when none was ever stored)
// and the ID of the last event it reflects: a client sent the snapshot must
// then be sent the events after lastID. lastID is the snapshot's own event when
// that is still in the history, otherwise the newest event (EventIDZero when
// the channel has none), so following the snapshot with Since(lastID) never
// falls outside the window.
func (l *EventLog) State(ctx context.Context, ch arena.Channel) (snapshot json.RawMessage, lastID string, err error) {
	k, err := l.channelKeys(ch)
	if err != nil {
		return nil, "", err
	}
	res, err := stateScript.Run(ctx, l.rdb, []string{k.stream, k.state}).Slice()
	if err != nil {
		return nil, "", fmt.Errorf("read %s state: %w", ch, err)
	}
	if len(res) != 2 {
		return nil, "", fmt.Errorf("read %s state: unexpected reply %v", ch, res)
	}
	lastID, _ = res[0].(string)
	if s, ok := res[1].(string); ok {
		snapshot = json.RawMessage(s)
	}
	return snapshot, lastID, nil
}

// Since returns up to limit events of ch after afterID, oldest first. ok is
// false when afterID is outside the history window: events after it were
// trimmed, or it was never assigned (a client from before a Redis data loss);
// the caller must then start again from State. afterID EventIDZero means
// "from the beginning" and is ok while nothing has been trimmed. A limit <= 0
// means 1000; at most 10 000 are returned per call.
func (l *EventLog) Since(ctx context.Context, ch arena.Channel, afterID string, limit int) (events []arena.Event, ok bool, err error) {
	k, err := l.channelKeys(ch)
	if err != nil {
		return nil, false, err
	}
	if _, _, valid := arena.ParseEventID(afterID); !valid {
		return nil, false, arena.Errorf(arena.CodeInvalid, "invalid event id %q", afterID)
	}
	if limit <= 0 {
		limit = 1000
	}
	limit = min(limit, maxSinceLimit)
	res, err := sinceScript.Run(ctx, l.rdb, []string{k.stream}, afterID, limit).Slice()
	if err != nil {
		return nil, false, fmt.Errorf("read %s history after %s: %w", ch, afterID, err)
	}
	if len(res) == 0 || res[0] != int64(1) {
		return nil, false, nil
	}
	if len(res) < 2 {
		return nil, true, nil
	}
	entries, _ := res[1].([]any)
	events = make([]arena.Event, 0, len(entries))
	for _, e := range entries {
		ev, err := parseEntry(ch, e)
		if err != nil {
			return nil, false, fmt.Errorf("read %s history after %s: %w", ch, afterID, err)
		}
		events = append(events, ev)
	}
	return events, true, nil
}

// parseEntry converts one stream entry, [id, [field, value, ...]], to an event.
func parseEntry(ch arena.Channel, e any) (arena.Event, error) {
	pair, _ := e.([]any)
	if len(pair) != 2 {
		return arena.Event{}, fmt.Errorf("malformed stream entry %v", e)
	}
	id, _ := pair[0].(string)
	fields, _ := pair[1].([]any)
	ev := arena.Event{ID: id, Channel: ch}
	for i := 0; i+1 < len(fields); i += 2 {
		name, _ := fields[i].(string)
		val, _ := fields[i+1].(string)
		switch name {
		case "t":
			ev.Type = val
		case "ts":
			us, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return arena.Event{}, fmt.Errorf("stream entry %s: bad time %q", id, val)
			}
			ev.Time = time.UnixMicro(us).UTC()
		case "d":
			ev.Data = json.RawMessage(val)
		}
	}
	if id == "" || ev.Type == "" || ev.Data == nil {
		return arena.Event{}, fmt.Errorf("stream entry %q lacks fields", id)
	}
	return ev, nil
}
