package jobs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/commands"
)

// Task types.
const (
	TypeTradeCycle         = "trade:cycle"         // fans a cycle out into one decision per model
	TypeDecide             = "trade:decide"        // one model's decision in one cycle
	TypePortfolioSnapshot  = "portfolio:snapshot"  // one equity snapshot per account
	TypePortfolioRetention = "portfolio:retention" // roll old snapshots up
)

// Queues are the asynq queues of one arena. asynq has no key prefix, so the
// arena's Redis prefix is part of each name.
type Queues struct {
	Trade       string // cycles and decisions
	Maintenance string // snapshots and retention
	Commands    string // the API's commands (see package commands)
}

// QueuesFor returns the queues of the arena whose Redis prefix is prefix.
func QueuesFor(prefix string) Queues {
	return Queues{Trade: prefix + "trade", Maintenance: prefix + "maintenance", Commands: commands.Queue(prefix)}
}

// weights are the queues' shares of the workers when all have tasks: the
// API waits for its commands, snapshots are due every minute, decisions
// are long but few.
func (q Queues) weights() map[string]int {
	return map[string]int{q.Commands: 6, q.Maintenance: 3, q.Trade: 2}
}

// SlotPayload is the payload of the periodic tasks: the start of their
// schedule slot.
type SlotPayload struct {
	Slot time.Time `json:"slot"`
}

// DecidePayload is the payload of a TypeDecide task.
type DecidePayload struct {
	ModelID string    `json:"modelId"`
	Slot    time.Time `json:"slot"`
}

// slotTaskID names a periodic task by its type and slot.
func slotTaskID(typ string, slot time.Time) string {
	return typ + ":" + strconv.FormatInt(slot.Unix(), 10)
}

// decideTaskID names the decision of a model in a slot.
func decideTaskID(modelID string, slot time.Time) string {
	return TypeDecide + ":" + strconv.FormatInt(slot.Unix(), 10) + ":" + modelID
}

func newTask(typ string, payload any) (*asynq.Task, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", typ, err)
	}
	return asynq.NewTask(typ, b), nil
}

// decode reads a payload; a malformed one can never succeed.
func decode(t *asynq.Task, v any) error {
	if err := json.Unmarshal(t.Payload(), v); err != nil {
		return fmt.Errorf("decode %s payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return nil
}

// slotOf is the start of the slot of width every containing t. Slots are
// aligned to the zero time (for widths dividing a day: to UTC midnight).
func slotOf(t time.Time, every time.Duration) time.Time { return t.UTC().Truncate(every) }
