package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/retry"
	"github.com/autonome-go/autonome/shared/views"
)

// Conversation is one finished decision in the shape of an item of the
// API's models.getInvocations: what the conversations channel carries. The
// shape is shared with the API.
type (
	Conversation     = views.Conversation
	ConversationCall = views.ConversationCall
	CallMetadata     = views.CallMetadata
)

// MaxConversations is how many conversations the channel's state holds.
const MaxConversations = 100

// maxCallsShown is how many tool calls of one conversation are shown, as
// the API does.
const maxCallsShown = 50

func conversationCall(tc *arena.ToolCall, md metadataDoc) (ConversationCall, error) {
	raw, err := json.Marshal(md)
	if err != nil {
		return ConversationCall{}, fmt.Errorf("encode tool call metadata: %w", err)
	}
	c := ConversationCall{ID: tc.ID, Type: string(tc.Type), Timestamp: isoTime(tc.CreatedAt), Success: !tc.Failed(),
		Metadata: CallMetadata{Raw: string(raw), Decisions: make([]json.RawMessage, 0, len(md.Decisions)), Results: make([]json.RawMessage, 0, len(md.Results))}}
	for _, d := range md.Decisions {
		b, err := json.Marshal(d)
		if err != nil {
			return c, fmt.Errorf("encode decision: %w", err)
		}
		c.Metadata.Decisions = append(c.Metadata.Decisions, b)
	}
	for _, r := range md.Results {
		b, err := json.Marshal(r)
		if err != nil {
			return c, fmt.Errorf("encode result: %w", err)
		}
		c.Metadata.Results = append(c.Metadata.Results, b)
	}
	return c, nil
}

// publication is one event for the dashboards.
type publication struct {
	ch           arena.Channel
	typ          string
	data         any
	conversation bool // data is an encoded Conversation; the channel's state follows it
}

// feed publishes the agents' events in the order they were queued, from one
// goroutine, so that decisions never wait on Redis and the conversations
// channel's state (the latest MaxConversations, newest first) is never
// older than an event before it. Under a burst of decisions (a cycle's
// models finish together) publishing waits up to coalesceWindow so that
// the state, a large document, is written once for the burst, with its
// last conversation.
type feed struct {
	events Publisher
	log    *slog.Logger

	mu      sync.Mutex
	recent  []json.RawMessage // newest first
	pending []publication
	notify  chan struct{}
}

func newFeed(events Publisher, log *slog.Logger) *feed {
	return &feed{events: events, log: log, notify: make(chan struct{}, 1)}
}

// seed sets the initial conversations, newest first, without publishing.
func (f *feed) seed(items []json.RawMessage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recent = append(f.recent[:0], items[:min(len(items), MaxConversations)]...)
}

// conversation queues c and the workflow events of its model.
func (f *feed) conversation(c Conversation) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode conversation: %w", err)
	}
	ids := []string{c.ModelID}
	now := isoTime(time.Now())
	f.queue(
		publication{ch: arena.ChannelConversations, typ: arena.EventConversationsUpdated, data: json.RawMessage(b), conversation: true},
		workflow(arena.EventPositionsChanged, ids, now),
		workflow(arena.EventTradesChanged, ids, now),
		workflow(arena.EventConversationsChanged, ids, now),
		publication{ch: arena.ChannelWorkflow, typ: arena.EventWorkflowComplete,
			data: WorkflowEvent{Type: arena.EventWorkflowComplete, ModelID: c.ModelID, Timestamp: now}},
	)
	return nil
}

// WorkflowEvent is the data of a workflow channel event: the reference
// sends the whole event as its data.
type WorkflowEvent struct {
	Type      string   `json:"type"`
	ModelID   string   `json:"modelId,omitempty"`
	ModelIDs  []string `json:"modelIds,omitempty"`
	Timestamp string   `json:"timestamp"`
}

func workflow(typ string, ids []string, at string) publication {
	return publication{ch: arena.ChannelWorkflow, typ: typ, data: WorkflowEvent{Type: typ, ModelIDs: ids, Timestamp: at}}
}

func (f *feed) queue(ps ...publication) {
	f.mu.Lock()
	for _, p := range ps {
		if p.conversation {
			f.recent = append([]json.RawMessage{p.data.(json.RawMessage)}, f.recent[:min(len(f.recent), MaxConversations-1)]...)
		}
	}
	f.pending = append(f.pending, ps...)
	f.mu.Unlock()
	select {
	case f.notify <- struct{}{}:
	default:
	}
}

// coalesceWindow is the least time between two writes of the
// conversations state.
const coalesceWindow = 100 * time.Millisecond

// run publishes until ctx ends, then what is still queued (briefly).
func (f *feed) run(ctx context.Context) error {
	var last time.Time
	for {
		select {
		case <-f.notify:
			if wait := coalesceWindow - time.Since(last); wait > 0 && retry.Sleep(ctx, wait) != nil {
				continue // the final flush below publishes what is queued
			}
			last = time.Now()
			f.flush(ctx)
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
			f.flush(dctx)
			cancel()
			return nil
		}
	}
}

func (f *feed) flush(ctx context.Context) {
	f.mu.Lock()
	batch := f.pending
	f.pending = nil
	last := -1
	for i, p := range batch {
		if p.conversation {
			last = i
		}
	}
	var state json.RawMessage
	if last >= 0 {
		state = joinArray(f.recent)
	}
	f.mu.Unlock()
	for i, p := range batch {
		var err error
		if i == last {
			_, err = f.events.PublishState(ctx, p.ch, p.typ, p.data, state)
		} else {
			_, err = f.events.Publish(ctx, p.ch, p.typ, p.data)
		}
		if err != nil {
			// The database holds the record; dashboards catch up from the
			// next state or their own refetch.
			f.log.Warn("publish event failed", "channel", p.ch, "type", p.typ, "err", err)
		}
	}
}

// joinArray encodes already encoded items as one JSON array.
func joinArray(items []json.RawMessage) json.RawMessage {
	n := 2
	for _, it := range items {
		n += len(it) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return append(b, ']')
}

// conversationsFromRows rebuilds the feed's state from stored invocations,
// newest first, with the prompts left out as in published conversations.
func conversationsFromRows(invs []arena.InvocationRecord, models map[string]arena.AgentModel) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(invs))
	for _, inv := range invs {
		m := models[inv.ModelID]
		c := views.ConversationFromRow(&inv, m.Model, withoutPrompts(inv.Payload))
		if text, cut := arena.Excerpt(c.Response, arena.MaxPublishedText); cut {
			c.Response, c.ResponseTruncated, c.ResponseBytes = text, true, max(c.ResponseBytes, len(c.Response))
		}
		if b, err := json.Marshal(c); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// withoutPrompts drops from a stored payload what published conversations
// leave out: the prompts and the tool call details.
func withoutPrompts(p json.RawMessage) json.RawMessage {
	if len(p) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(p, &m) != nil {
		return p
	}
	for _, k := range []string{"systemPrompt", "userPrompt", "prompt", "toolCalls", "decisions", "executionResults"} {
		delete(m, k)
	}
	for _, k := range []string{"response", "reasoning"} { // stored excerpts are longer than published ones
		var text string
		if json.Unmarshal(m[k], &text) == nil && len(text) > arena.MaxPublishedText {
			text, _ = arena.Excerpt(text, arena.MaxPublishedText)
			m[k], _ = json.Marshal(text)
		}
	}
	m["promptsOmitted"] = json.RawMessage("true")
	b, err := json.Marshal(m)
	if err != nil {
		return p
	}
	return b
}
