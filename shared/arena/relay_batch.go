package arena

// EventBatch is what a subscription to the event log hands its consumer (the SSE
// relay): either contiguous events of one channel in ID order, or, when Reset
// is set, notice that events of the channel were lost beyond repair (the
// history window no longer reaches back far enough) and consumers must start
// again from the channel's current state.
//
// Prev is the ID of the event just before Events[0] on the channel (the last
// event of the subscription's previous batch, or the channel's newest event
// when the subscription started). A consumer whose own position is older than
// Prev has not seen everything before this batch and must fill the gap from
// the history first; one at Prev or later can apply the batch directly.
type EventBatch struct {
	Channel Channel
	Prev    string
	Events  []Event // empty when Reset
	Reset   bool
}
