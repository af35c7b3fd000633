// Package arena is the domain vocabulary of the trading arena: markets, sides,
// fixed-point money, book updates, orders, positions, models, variants, events
// and error codes. It imports only the standard library and performs no I/O, so
// every other package (the simulator, the adapters, the API) can share it.
//
// Money, prices and quantities are Fixed (signed, 8 fractional digits, exact).
// float64 appears only where a value is statistical (indicators, analytics) and
// never in ledger code.
package arena
