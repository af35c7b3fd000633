// Package exchange is the arena's paper exchange: a pure, deterministic,
// in-memory simulator of USDT-margined perpetual futures, fed by a venue's
// market data.
//
// Market data. One L2 book per market mirrors the venue (ApplyBook:
// snapshots and deltas; ApplyTrade: venue trades; ApplyStats: mark and
// hourly funding rate). The mark is the book's mid.
//
// Matching. Taker orders walk the book's levels; the size they take stays
// consumed, for every account, until the venue updates that level. Limit
// orders take up to their price and rest the remainder (GTC), cancel it
// (IOC), or rest entirely (POST_ONLY, rejected if it would take). A resting
// order never enters the venue book: it fills as maker, at its own price,
// when the venue book crosses it or when venue trades exhaust the displayed
// size that was ahead of it when it was placed (a risk-averse queue).
// Orders reach the engine after a configurable latency, through a queue the
// clock drains; with zero latency they execute inside SubmitOrder.
//
// Accounts. Each account is one cross-margin account with positions netted
// per symbol; equity = cash + unrealized PnL at the mark, available =
// equity − position margin − margin reserved by resting orders (it can be
// negative). Funding is paid at every whole hour of the clock; an account
// whose equity falls below its maintenance margin is liquidated through the
// book, and a shortfall left after that is covered by a recorded insurance
// credit. Exit plans (stop, target, invalidation price, time exit) are
// executed by the exchange itself, from a per-market trigger index, so a
// book update costs O(1) however many positions exist.
//
// Records. Every state change is emitted as records (arena.Batch) to a
// Sink, one batch per public operation, so a persistence layer can write
// each batch in one transaction; Export and Restore rebuild the exchange
// exactly from persisted state. Money, prices and quantities are
// arena.Fixed: cash changes only by realized PnL, fees, funding and
// insurance credits, which arena.CheckLedger verifies from the records
// alone.
//
// Time and determinism. The package does no I/O and never reads the wall
// clock: every mutating method takes the current time, which the exchange
// treats as a monotonic clock. Given the same configuration (seed
// included), the same market data and the same commands at the same times,
// it produces the same records to the last unit. An Exchange is safe for
// concurrent use; one mutex guards it, and matching does not allocate.
package exchange
