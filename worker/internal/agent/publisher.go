package agent

import (
	"context"

	"github.com/autonome-go/autonome/shared/arena"
)

// Publisher sends events to the dashboards' channels; *redis.EventLog is
// one. PublishState also replaces the channel's current state, which is
// what a newly connected client receives first.
type Publisher interface {
	Publish(ctx context.Context, ch arena.Channel, typ string, data any) (arena.Event, error)
	PublishState(ctx context.Context, ch arena.Channel, typ string, data, state any) (arena.Event, error)
}
