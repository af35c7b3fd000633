// Package season records a bounded run of the arena (a season) into a
// bundle that replays bit-exactly, and runs rosters on a recorded tape as
// fast as the models answer.
//
// A season is a tape of market data, a roster and a configuration. Each
// entrant trades its own exchange (worker/internal/exchange) fed by the
// same tape, so it meets the venue's book as if it were alone: liquidity
// one entrant takes is never hidden from another, and no entrant can move
// another's fills. The simulated clock jumps from tape message to tape
// message; at each decision slot every entrant is shown the same market
// snapshot, its decision waits for its model calls, and each order reaches
// its exchange at the slot's time plus the model's measured latency (sim
// time) plus the exchange's taker latency, so a slow model trades a later
// price.
//
// The decision itself is the live arena's code, not a copy: prompts are
// built by agent.BuildInput, tool calls checked by decision.Session inside
// the llm agents, and intents executed by agent.NewExecutor.
//
// Every model call goes through a RoundTripper that records the exact
// request and response bytes, the measured latency, retry waits and
// errors. A replay serves the recorded responses instead of the network,
// compares each rebuilt request byte for byte, and advances the clock by the
// recorded latencies, so the same bundle gives the same fills on any
// machine at any speed. Nothing in a run reads the wall clock, map order or
// goroutine scheduling where it can change a result: entrants run in
// parallel but touch only their own exchange, clock and recording, and are
// joined in roster order at every slot.
package season
