// Package exchange is the arena's paper exchange: a pure, deterministic,
// in-memory simulator of USDT-margined perpetual futures, fed by a venue's
// market data.
//
// One L2 book per market mirrors the venue (snapshots and deltas). Taker
// orders walk its levels; the size they take stays consumed, for every
// account, until the venue updates that level. Limit orders take up to their
// price and rest the remainder; a resting order fills as maker when the venue
// book crosses its price or when venue trades exhaust the displayed size that
// was ahead of it when it was placed (a risk-averse queue). Each account is
// one cross-margin account with positions netted per symbol, hourly funding,
// liquidation at the maintenance margin, and exit plans (stop, target,
// invalidation price, time exit) the exchange executes itself.
//
// Every state change is emitted as records (arena.Batch) to a Sink, one batch
// per operation, so a persistence layer can write each batch in one
// transaction; Export and Restore rebuild the exchange exactly from persisted
// state. Money, prices and quantities are arena.Fixed: cash changes only by
// realized PnL, fees, funding and insurance credits, which arena.CheckLedger
// verifies from the records alone.
//
// The package does no I/O and never reads the wall clock: every mutating
// method takes the current time, which the exchange treats as a monotonic
// clock. Given the same configuration (seed included), the same market data
// and the same commands at the same times, it produces the same records to
// the last unit. An Exchange is safe for concurrent use; one mutex guards it.
package exchange
