package arena

import (
	"encoding/json"
	"time"
)

// Channel names an event stream. The relay serves each at /api/events/{channel}.
type Channel string

// Channels, named after the reference's SSE paths.
const (
	ChannelPrices        Channel = "prices"
	ChannelPositions     Channel = "positions"
	ChannelTrades        Channel = "trades"
	ChannelConversations Channel = "conversations"
	ChannelPortfolio     Channel = "portfolio"
	ChannelWorkflow      Channel = "workflow"
)

// Channels lists every channel the relay serves.
func Channels() []Channel {
	return []Channel{ChannelPrices, ChannelPositions, ChannelTrades, ChannelConversations, ChannelPortfolio, ChannelWorkflow}
}

// Event is one message on a channel. ID is assigned by the event log when the
// event is published (monotonic per channel) and is what SSE clients send back
// as Last-Event-ID. Data is the JSON payload shown to browsers.
type Event struct {
	ID      string          `json:"id"`
	Channel Channel         `json:"channel"`
	Type    string          `json:"type"`
	Time    time.Time       `json:"time"`
	Data    json.RawMessage `json:"data"`
}

// Event types.
const (
	EventPrices               = "prices"
	EventPositionsUpdated     = "positions:updated"
	EventTradesUpdated        = "trades:updated"
	EventConversationsUpdated = "conversations:updated"
	EventPortfolioUpdated     = "portfolio:updated"
	EventWorkflowComplete     = "workflow:complete"
	EventBatchComplete        = "batch:complete"
	EventPositionsChanged     = "positions:changed"
	EventTradesChanged        = "trades:changed"
	EventConversationsChanged = "conversations:changed"
	EventSnapshot             = "snapshot" // the current state, sent first to a new or resumed-too-late client
	EventReset                = "reset"    // the client's Last-Event-ID fell outside the history window
)
