// Package indicators computes the technical indicators the agents are shown
// (EMA, MACD, RSI, ATR) and builds the cycle's market-intelligence snapshot:
// one immutable value, with its prompt text rendered once, that every model of
// a cycle receives.
//
// Indicator values are statistics, not ledger amounts, so they are float64.
// Each series function returns a slice aligned with its input: out[i] is the
// indicator as of input i, and NaN where the warm-up period is not yet
// complete (or the input has too few values).
package indicators
